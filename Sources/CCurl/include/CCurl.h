#ifndef CCURL_H
#define CCURL_H

// libcurl is loaded with dlopen when Herald first needs it, not linked: it and the thirty
// libraries it pulls in (TLS, Kerberos, LDAP, HTTP/2, ...) cost every run some 10 ms to load,
// and most runs (a build, a check, a cron tick with nothing due) send nothing. Its headers
// give the types and constants; every function Herald calls goes through a `ccurl_` wrapper
// below, which loads the library on first use. Should it be missing, every wrapper fails
// the way libcurl itself fails (CURLE_FAILED_INIT, NULL), and `ccurl_load_error` says why.

// The typecheck macros in <curl/typecheck-gcc.h> would wrap curl_easy_setopt in statement
// expressions; the wrappers below already fix each argument's type, so they are not needed.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

/// Loads libcurl once (later calls return at once): 0 when ready, -1 when the library could
/// not be loaded or lacks a function Herald calls.
int ccurl_load(void);

/// Why `ccurl_load` failed (dlerror's words), or NULL when it did not.
const char *ccurl_load_error(void);

/// Signature of CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION callbacks.
typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *context);

/// curl_global_init(CURL_GLOBAL_ALL): the macro's value stays on the C side.
CURLcode ccurl_global_init_all(void);

CURL *ccurl_easy_init(void);
void ccurl_easy_cleanup(CURL *handle);
const char *ccurl_easy_strerror(CURLcode code);

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift can't call: one wrapper
// per argument type.
CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
/// For string and object pointer options.
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value);
/// For curl_off_t options (the *_LARGE ones).
CURLcode ccurl_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
/// For CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION.
CURLcode ccurl_easy_setopt_data_callback(CURL *handle, CURLoption option, ccurl_data_callback callback);
/// Reads CURLINFO_LONG values.
CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
/// Reads CURLINFO_STRING values (owned by the handle: copy, don't free).
CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, const char **value);

CURLM *ccurl_multi_init(void);
CURLMcode ccurl_multi_cleanup(CURLM *multi);
CURLMcode ccurl_multi_add_handle(CURLM *multi, CURL *handle);
CURLMcode ccurl_multi_remove_handle(CURLM *multi, CURL *handle);
CURLMcode ccurl_multi_perform(CURLM *multi, int *running);
CURLMcode ccurl_multi_poll(CURLM *multi, struct curl_waitfd *extra, unsigned int count, int timeout,
                           int *ready);
CURLMcode ccurl_multi_wakeup(CURLM *multi);
CURLMsg *ccurl_multi_info_read(CURLM *multi, int *queued);
const char *ccurl_multi_strerror(CURLMcode code);

struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *line);
void ccurl_slist_free_all(struct curl_slist *list);

CURLU *ccurl_url(void);
void ccurl_url_cleanup(CURLU *handle);
CURLUcode ccurl_url_set(CURLU *handle, CURLUPart part, const char *content, unsigned int flags);
CURLUcode ccurl_url_get(const CURLU *handle, CURLUPart part, char **content, unsigned int flags);
const char *ccurl_url_strerror(CURLUcode code);
void ccurl_free(void *pointer);

/// The HTTP version option's value: an anonymous enum constant, given a fixed C type here.
long ccurl_http_version_2tls(void);

/// Not libcurl, but the HTTP module's only other C need: names the calling thread (at most
/// 15 bytes on Linux), for debuggers, top -H and /proc.
void ccurl_name_current_thread(const char *name);

#endif
