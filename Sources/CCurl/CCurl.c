// See include/CCurl.h: libcurl loaded on first use, and a wrapper for each function Herald
// calls. The table of functions is filled once, under pthread_once, then only read.
#define _GNU_SOURCE 1
#include "CCurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define CCURL_FUNCTIONS(X)                                                                      \
    X(global_init, curl_global_init)                                                            \
    X(easy_init, curl_easy_init)                                                                \
    X(easy_cleanup, curl_easy_cleanup)                                                          \
    X(easy_strerror, curl_easy_strerror)                                                        \
    X(easy_setopt, curl_easy_setopt)                                                            \
    X(easy_getinfo, curl_easy_getinfo)                                                          \
    X(multi_init, curl_multi_init)                                                              \
    X(multi_cleanup, curl_multi_cleanup)                                                        \
    X(multi_add_handle, curl_multi_add_handle)                                                  \
    X(multi_remove_handle, curl_multi_remove_handle)                                            \
    X(multi_perform, curl_multi_perform)                                                        \
    X(multi_poll, curl_multi_poll)                                                              \
    X(multi_wakeup, curl_multi_wakeup)                                                          \
    X(multi_info_read, curl_multi_info_read)                                                    \
    X(multi_strerror, curl_multi_strerror)                                                      \
    X(slist_append, curl_slist_append)                                                          \
    X(slist_free_all, curl_slist_free_all)                                                      \
    X(url, curl_url)                                                                            \
    X(url_cleanup, curl_url_cleanup)                                                            \
    X(url_set, curl_url_set)                                                                    \
    X(url_get, curl_url_get)                                                                    \
    X(url_strerror, curl_url_strerror)                                                          \
    X(free, curl_free)

#define CCURL_FIELD(field, name) __typeof__(name) *field;
static struct {
    CCURL_FUNCTIONS(CCURL_FIELD)
} api;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int status = -1;
static char failure[512];

static void load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!library) library = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(failure, sizeof failure, "libcurl could not be loaded: %s", dlerror());
        return;
    }
#define CCURL_LOAD(field, name)                                                                 \
    if (!(*(void **)&api.field = dlsym(library, #name))) {                                      \
        snprintf(failure, sizeof failure, "libcurl could not be loaded: it has no %s", #name);  \
        return;                                                                                 \
    }
    CCURL_FUNCTIONS(CCURL_LOAD)
    status = 0;
}

int ccurl_load(void) {
    pthread_once(&once, load);
    return status;
}

const char *ccurl_load_error(void) { return ccurl_load() == 0 ? NULL : failure; }

#define READY (ccurl_load() == 0)

CURLcode ccurl_global_init_all(void) {
    return READY ? api.global_init(CURL_GLOBAL_ALL) : CURLE_FAILED_INIT;
}

CURL *ccurl_easy_init(void) { return READY ? api.easy_init() : NULL; }

void ccurl_easy_cleanup(CURL *handle) {
    if (READY) api.easy_cleanup(handle);
}

const char *ccurl_easy_strerror(CURLcode code) {
    return READY ? api.easy_strerror(code) : failure;
}

CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return READY ? api.easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}

CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return READY ? api.easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}

CURLcode ccurl_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return READY ? api.easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}

CURLcode ccurl_easy_setopt_data_callback(CURL *handle, CURLoption option, ccurl_data_callback callback) {
    return READY ? api.easy_setopt(handle, option, callback) : CURLE_FAILED_INIT;
}

CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return READY ? api.easy_getinfo(handle, info, value) : CURLE_FAILED_INIT;
}

CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value) {
    return READY ? api.easy_getinfo(handle, info, value) : CURLE_FAILED_INIT;
}

CURLM *ccurl_multi_init(void) { return READY ? api.multi_init() : NULL; }

CURLMcode ccurl_multi_cleanup(CURLM *multi) {
    return READY ? api.multi_cleanup(multi) : CURLM_INTERNAL_ERROR;
}

CURLMcode ccurl_multi_add_handle(CURLM *multi, CURL *handle) {
    return READY ? api.multi_add_handle(multi, handle) : CURLM_INTERNAL_ERROR;
}

CURLMcode ccurl_multi_remove_handle(CURLM *multi, CURL *handle) {
    return READY ? api.multi_remove_handle(multi, handle) : CURLM_INTERNAL_ERROR;
}

CURLMcode ccurl_multi_perform(CURLM *multi, int *running) {
    return READY ? api.multi_perform(multi, running) : CURLM_INTERNAL_ERROR;
}

CURLMcode ccurl_multi_poll(CURLM *multi, struct curl_waitfd *extra, unsigned int count, int timeout,
                           int *ready) {
    return READY ? api.multi_poll(multi, extra, count, timeout, ready) : CURLM_INTERNAL_ERROR;
}

CURLMcode ccurl_multi_wakeup(CURLM *multi) {
    return READY ? api.multi_wakeup(multi) : CURLM_INTERNAL_ERROR;
}

CURLMsg *ccurl_multi_info_read(CURLM *multi, int *queued) {
    return READY ? api.multi_info_read(multi, queued) : NULL;
}

const char *ccurl_multi_strerror(CURLMcode code) {
    return READY ? api.multi_strerror(code) : failure;
}

struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *line) {
    return READY ? api.slist_append(list, line) : NULL;
}

void ccurl_slist_free_all(struct curl_slist *list) {
    if (READY) api.slist_free_all(list);
}

CURLU *ccurl_url(void) { return READY ? api.url() : NULL; }

void ccurl_url_cleanup(CURLU *handle) {
    if (READY) api.url_cleanup(handle);
}

CURLUcode ccurl_url_set(CURLU *handle, CURLUPart part, const char *content, unsigned int flags) {
    return READY ? api.url_set(handle, part, content, flags) : CURLUE_OUT_OF_MEMORY;
}

CURLUcode ccurl_url_get(const CURLU *handle, CURLUPart part, char **content, unsigned int flags) {
    return READY ? api.url_get((CURLU *)handle, part, content, flags) : CURLUE_OUT_OF_MEMORY;
}

const char *ccurl_url_strerror(CURLUcode code) { return READY ? api.url_strerror(code) : failure; }

void ccurl_free(void *pointer) {
    if (READY) api.free(pointer);
}

long ccurl_http_version_2tls(void) { return (long)CURL_HTTP_VERSION_2TLS; }

void ccurl_name_current_thread(const char *name) {
#if defined(__linux__)
    (void)pthread_setname_np(pthread_self(), name);
#else
    (void)pthread_setname_np(name);
#endif
}
