#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H

// The typecheck macros in <curl/typecheck-gcc.h> would wrap curl_easy_setopt in statement
// expressions; the wrappers below already fix each argument's type, so they are not needed.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

/// Signature of CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION callbacks.
typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *context);

/// curl_easy_setopt is variadic, which Swift can't call: one wrapper per argument type.
static inline CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/// curl_easy_setopt for string and object pointer options.
static inline CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

/// curl_easy_setopt for curl_off_t options (the *_LARGE ones).
static inline CURLcode ccurl_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// curl_easy_setopt for CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION.
static inline CURLcode ccurl_easy_setopt_data_callback(
    CURL *handle, CURLoption option, ccurl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

/// curl_easy_getinfo is variadic too: this one reads CURLINFO_LONG values.
static inline CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// curl_easy_getinfo for CURLINFO_STRING values (owned by the handle: copy, don't free).
static inline CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value) {
    return curl_easy_getinfo(handle, info, value);
}

/// CURL_GLOBAL_ALL is a macro expression; a function keeps its value on the C side.
static inline CURLcode ccurl_global_init_all(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}

/// The HTTP version option's value: an anonymous enum constant, given a fixed C type here.
static inline long ccurl_http_version_2tls(void) {
    return (long)CURL_HTTP_VERSION_2TLS;
}

// Not libcurl, but the HTTP module's only other C need: naming the thread that drives the
// multi handle. Glibc declares pthread_setname_np only under _GNU_SOURCE, which Swift's Glibc
// module is not built with, so the shim declares it (same signature as glibc's).
#if defined(__linux__)
#include <pthread.h>
extern int pthread_setname_np(pthread_t thread, const char *name);

/// Names the calling thread (at most 15 bytes on Linux), for debuggers, top -H and /proc.
static inline void ccurl_name_current_thread(const char *name) {
    (void)pthread_setname_np(pthread_self(), name);
}
#else
#include <pthread.h>

/// Names the calling thread, for debuggers and crash reports.
static inline void ccurl_name_current_thread(const char *name) {
    (void)pthread_setname_np(name);
}
#endif

#endif
