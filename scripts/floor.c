/* The floor for `make bench`: the least any ingester must do with the same files — read each one and
 * insert an article row and a queue row into SQLite, one transaction, one process, nothing else. With
 * --parse-html (the end-to-end benchmark's floor) an .html file is also parsed with libxml2's HTML parser
 * and its text stored instead of its bytes.
 * Usage: floor DB [--parse-html] < LIST  (one file path a line; prints the number of rows and the seconds taken).
 * Build: cc -O2 floor.c $(pkg-config --cflags --libs libxml-2.0) -lsqlite3 */
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

static int is_html(const char *path) {
    size_t n = strlen(path);
    return (n >= 5 && strcmp(path + n - 5, ".html") == 0) || (n >= 4 && strcmp(path + n - 4, ".htm") == 0);
}

/* The text of an HTML document (xmlFree it), or NULL when it does not parse. */
static xmlChar *html_text(const char *buf, size_t n) {
    htmlDocPtr doc = htmlReadMemory(buf, (int)n, NULL, NULL,
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    if (!doc) return NULL;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlChar *text = root ? xmlNodeGetContent(root) : NULL;
    xmlFreeDoc(doc);
    return text;
}

int main(int argc, char **argv) {
    int parse = argc == 3 && strcmp(argv[2], "--parse-html") == 0;
    if (argc != 2 && !parse) { fprintf(stderr, "usage: floor DB [--parse-html] < LIST\n"); return 2; }
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
        xmlChar *text = parse && is_html(path) ? html_text(buf, n) : NULL;
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
