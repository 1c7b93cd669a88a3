#ifndef HERALD_CPOSTGRES_SHIM_H
#define HERALD_CPOSTGRES_SHIM_H

// Debian's libpq-dev puts the header below postgresql/ and ships no pkg-config path for it.
#include <postgresql/libpq-fe.h>

// A notice processor that drops what the server says in passing ("relation already exists,
// skipping"): cron mail must hold only what the user has to act on.
static inline void cpostgres_ignore_notice(void *arg, const char *message) {
  (void)arg;
  (void)message;
}

static inline void cpostgres_silence_notices(PGconn *connection) {
  PQsetNoticeProcessor(connection, cpostgres_ignore_notice, 0);
}

#endif
