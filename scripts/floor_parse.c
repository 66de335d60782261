/* The floor of the end-to-end benchmark: the least any ingester of these documents must do — read each
 * file, parse an HTML one with libxml2's HTML parser and take its text, insert an article row and a queue
 * row into SQLite (one transaction per 200 files, WAL), in one process, nothing else.
 * Usage: floor_parse DB < LIST  (one file path a line; prints rows and seconds). */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
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

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: floor_parse DB < LIST\n"); return 2; }
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
    char *buf = malloc(1 << 24);
    int rows = 0;
    char path[4096];
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    while (fgets(path, sizeof path, stdin)) {
        path[strcspn(path, "\n")] = 0;
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        size_t n = fread(buf, 1, (1 << 24) - 1, f);
        fclose(f);
        xmlChar *text = NULL;
        if (ends_with(path, ".html") || ends_with(path, ".htm")) {
            htmlDocPtr doc = htmlReadMemory(buf, (int)n, NULL, NULL,
                                            HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
            if (doc) {
                xmlNodePtr root = xmlDocGetRootElement(doc);
                if (root) text = xmlNodeGetContent(root);
                xmlFreeDoc(doc);
            }
        }
        sqlite3_bind_text(a, 1, path, -1, SQLITE_TRANSIENT);
        if (text) sqlite3_bind_text(a, 2, (const char *)text, -1, SQLITE_TRANSIENT);
        else sqlite3_bind_text(a, 2, buf, (int)n, SQLITE_TRANSIENT);
        sqlite3_step(a);
        sqlite3_reset(a);
        if (text) xmlFree(text);
        sqlite3_bind_int64(q, 1, sqlite3_last_insert_rowid(db));
        sqlite3_bind_double(q, 2, (double)time(NULL));
        sqlite3_step(q);
        sqlite3_reset(q);
        if (++rows % 200 == 0) {
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
            sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
        }
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
