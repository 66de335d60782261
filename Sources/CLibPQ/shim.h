// libpq, PostgreSQL's own client library, for the PostgreSQL store (Sources/IngestStore/Postgres).
#include <libpq-fe.h>

// PG_DIAG_SQLSTATE is a character-literal macro, which Swift does not import.
static inline const char *ingest_pq_sqlstate(const PGresult *result) {
    return PQresultErrorField(result, PG_DIAG_SQLSTATE);
}
