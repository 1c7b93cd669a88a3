#ifndef HERALD_CPOSTGRES_H
#define HERALD_CPOSTGRES_H

// libpq is loaded with dlopen when Herald first connects to PostgreSQL, not linked: it and
// the twenty libraries it pulls in (TLS, Kerberos, LDAP, ...) cost every run some 8 ms to
// load, and only runs with $HERALD_STATE_URL set use it. The header gives the types and
// constants; every function Herald calls goes through a `cpostgres_` wrapper below, which
// loads the library on first use. Should it be missing, every wrapper fails the way libpq
// itself fails (NULL, CONNECTION_BAD, PGRES_FATAL_ERROR), and `cpostgres_load_error` says why.

// Debian's libpq-dev puts the header below postgresql/ and ships no pkg-config path for it.
#include <postgresql/libpq-fe.h>

/// Loads libpq once (later calls return at once): 0 when ready, -1 when the library could not
/// be loaded or lacks a function Herald calls.
int cpostgres_load(void);

/// Why `cpostgres_load` failed (dlerror's words), or NULL when it did not.
const char *cpostgres_load_error(void);

PGconn *cpostgres_connectdbParams(const char *const *keywords, const char *const *values, int expand);
ConnStatusType cpostgres_status(const PGconn *connection);
char *cpostgres_errorMessage(const PGconn *connection);
void cpostgres_finish(PGconn *connection);
PQconninfoOption *cpostgres_conninfoParse(const char *text, char **error);
void cpostgres_conninfoFree(PQconninfoOption *options);
void cpostgres_freemem(void *pointer);

PGresult *cpostgres_exec(PGconn *connection, const char *query);
PGresult *cpostgres_execParams(PGconn *connection, const char *command, int count, const Oid *types,
                               const char *const *values, const int *lengths, const int *formats,
                               int resultFormat);
void cpostgres_clear(PGresult *result);
ExecStatusType cpostgres_resultStatus(const PGresult *result);
char *cpostgres_resultErrorMessage(const PGresult *result);
char *cpostgres_resultErrorField(const PGresult *result, int field);
char *cpostgres_cmdTuples(PGresult *result);
int cpostgres_ntuples(const PGresult *result);
int cpostgres_nfields(const PGresult *result);
char *cpostgres_fname(const PGresult *result, int column);
Oid cpostgres_ftype(const PGresult *result, int column);
int cpostgres_getisnull(const PGresult *result, int row, int column);
char *cpostgres_getvalue(const PGresult *result, int row, int column);

/// Drops what the server says in passing ("relation already exists, skipping"): cron mail
/// must hold only what the user has to act on.
void cpostgres_silence_notices(PGconn *connection);

#endif
