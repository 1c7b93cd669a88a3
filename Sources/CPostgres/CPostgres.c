// See include/CPostgres.h: libpq loaded on first use, and a wrapper for each function Herald
// calls. The table of functions is filled once, under pthread_once, then only read.
#include "CPostgres.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define CPOSTGRES_FUNCTIONS(X)                                                                  \
    X(connectdbParams, PQconnectdbParams)                                                       \
    X(status, PQstatus)                                                                         \
    X(errorMessage, PQerrorMessage)                                                             \
    X(finish, PQfinish)                                                                         \
    X(conninfoParse, PQconninfoParse)                                                           \
    X(conninfoFree, PQconninfoFree)                                                             \
    X(freemem, PQfreemem)                                                                       \
    X(exec, PQexec)                                                                             \
    X(execParams, PQexecParams)                                                                 \
    X(clear, PQclear)                                                                           \
    X(resultStatus, PQresultStatus)                                                             \
    X(resultErrorMessage, PQresultErrorMessage)                                                 \
    X(resultErrorField, PQresultErrorField)                                                     \
    X(cmdTuples, PQcmdTuples)                                                                   \
    X(ntuples, PQntuples)                                                                       \
    X(nfields, PQnfields)                                                                       \
    X(fname, PQfname)                                                                           \
    X(ftype, PQftype)                                                                           \
    X(getisnull, PQgetisnull)                                                                   \
    X(getvalue, PQgetvalue)                                                                     \
    X(setNoticeProcessor, PQsetNoticeProcessor)

#define CPOSTGRES_FIELD(field, name) __typeof__(name) *field;
static struct {
    CPOSTGRES_FUNCTIONS(CPOSTGRES_FIELD)
} api;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int status = -1;
static char failure[512];

static void load(void) {
    void *library = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!library) library = dlopen("libpq.so", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(failure, sizeof failure, "libpq could not be loaded: %s", dlerror());
        return;
    }
#define CPOSTGRES_LOAD(field, name)                                                             \
    if (!(*(void **)&api.field = dlsym(library, #name))) {                                      \
        snprintf(failure, sizeof failure, "libpq could not be loaded: it has no %s", #name);    \
        return;                                                                                 \
    }
    CPOSTGRES_FUNCTIONS(CPOSTGRES_LOAD)
    status = 0;
}

int cpostgres_load(void) {
    pthread_once(&once, load);
    return status;
}

const char *cpostgres_load_error(void) { return cpostgres_load() == 0 ? NULL : failure; }

#define READY (cpostgres_load() == 0)

PGconn *cpostgres_connectdbParams(const char *const *keywords, const char *const *values, int expand) {
    return READY ? api.connectdbParams(keywords, values, expand) : NULL;
}

ConnStatusType cpostgres_status(const PGconn *connection) {
    return READY ? api.status(connection) : CONNECTION_BAD;
}

char *cpostgres_errorMessage(const PGconn *connection) {
    return READY ? api.errorMessage(connection) : failure;
}

void cpostgres_finish(PGconn *connection) {
    if (READY) api.finish(connection);
}

PQconninfoOption *cpostgres_conninfoParse(const char *text, char **error) {
    if (error) *error = NULL;
    return READY ? api.conninfoParse(text, error) : NULL;
}

void cpostgres_conninfoFree(PQconninfoOption *options) {
    if (READY) api.conninfoFree(options);
}

void cpostgres_freemem(void *pointer) {
    if (READY) api.freemem(pointer);
}

PGresult *cpostgres_exec(PGconn *connection, const char *query) {
    return READY ? api.exec(connection, query) : NULL;
}

PGresult *cpostgres_execParams(PGconn *connection, const char *command, int count, const Oid *types,
                               const char *const *values, const int *lengths, const int *formats,
                               int resultFormat) {
    return READY ? api.execParams(connection, command, count, types, values, lengths, formats, resultFormat)
                 : NULL;
}

void cpostgres_clear(PGresult *result) {
    if (READY) api.clear(result);
}

ExecStatusType cpostgres_resultStatus(const PGresult *result) {
    return READY ? api.resultStatus(result) : PGRES_FATAL_ERROR;
}

char *cpostgres_resultErrorMessage(const PGresult *result) {
    return READY ? api.resultErrorMessage(result) : failure;
}

char *cpostgres_resultErrorField(const PGresult *result, int field) {
    return READY ? api.resultErrorField(result, field) : NULL;
}

char *cpostgres_cmdTuples(PGresult *result) {
    static char none[1];
    return READY ? api.cmdTuples(result) : none;
}

int cpostgres_ntuples(const PGresult *result) { return READY ? api.ntuples(result) : 0; }

int cpostgres_nfields(const PGresult *result) { return READY ? api.nfields(result) : 0; }

char *cpostgres_fname(const PGresult *result, int column) {
    return READY ? api.fname(result, column) : NULL;
}

Oid cpostgres_ftype(const PGresult *result, int column) { return READY ? api.ftype(result, column) : 0; }

int cpostgres_getisnull(const PGresult *result, int row, int column) {
    return READY ? api.getisnull(result, row, column) : 1;
}

char *cpostgres_getvalue(const PGresult *result, int row, int column) {
    return READY ? api.getvalue(result, row, column) : NULL;
}

static void ignore_notice(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

void cpostgres_silence_notices(PGconn *connection) {
    if (READY) api.setNoticeProcessor(connection, ignore_notice, NULL);
}
