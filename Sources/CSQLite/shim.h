// SQLite's process-wide settings, which go through the variadic sqlite3_config that Swift cannot call.
#include <sqlite3.h>

// Turns off SQLite's memory statistics. With them on (the default), every allocation of every connection
// takes one process-wide mutex; the daemon's writer and dedupe's readers slept on it hundreds of times a
// second in a burst. Only possible before SQLite is first used in the process: returns SQLITE_MISUSE
// after, and nothing changes.
static inline int ingest_sqlite_without_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
