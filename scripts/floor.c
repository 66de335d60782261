/* The floor for `make bench`: the least any ingester must do with the same files — read each one and
 * insert an article row and a queue row into SQLite, one transaction, one process, nothing else.
 * Usage: floor DB < LIST  (one file path a line; prints the number of rows and the seconds taken). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: floor DB < LIST\n"); return 2; }
    sqlite3 *db;
    if (sqlite3_open(argv[1], &db) != SQLITE_OK) { fprintf(stderr, "open: %s\n", sqlite3_errmsg(db)); return 1; }
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                     "CREATE TABLE IF NOT EXISTS article(id INTEGER PRIMARY KEY, location TEXT, text TEXT);"
                     "CREATE TABLE IF NOT EXISTS queueItem(id INTEGER PRIMARY KEY, articleId INTEGER, state TEXT, createdAt REAL);",
                 NULL, NULL, NULL);
    double start = now();
    sqlite3_stmt *a, *q;
    sqlite3_prepare_v2(db, "INSERT INTO article(location, text) VALUES (?, ?)", -1, &a, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO queueItem(articleId, state, createdAt) VALUES (?, 'ready', ?)", -1, &q, NULL);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    char *buf = malloc(1 << 24);
    int rows = 0;
    char path[4096];
    while (fgets(path, sizeof path, stdin)) {
        path[strcspn(path, "\n")] = 0;
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        size_t n = fread(buf, 1, (1 << 24) - 1, f);
        fclose(f);
        sqlite3_bind_text(a, 1, path, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(a, 2, buf, (int)n, SQLITE_TRANSIENT);
        sqlite3_step(a);
        sqlite3_reset(a);
        sqlite3_bind_int64(q, 1, sqlite3_last_insert_rowid(db));
        sqlite3_bind_double(q, 2, (double)time(NULL));
        sqlite3_step(q);
        sqlite3_reset(q);
        rows++;
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    double elapsed = now() - start;
    printf("%d %.6f\n", rows, elapsed);
    sqlite3_finalize(a);
    sqlite3_finalize(q);
    sqlite3_close(db);
    free(buf);
    return 0;
}
