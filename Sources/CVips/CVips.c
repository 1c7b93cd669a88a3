// libvips is loaded with dlopen on first use, not linked: its hundred dependent libraries
// cost every run some 40 ms and 20 MB to load, and most runs (a cron tick with nothing due,
// a build) never touch a picture. GLib's few functions are found through libvips too: linking
// GLib and GObject would load them, and what they load, at every start.
//
// libvips also takes its options as variadic NULL-terminated lists, which Swift can't call:
// each operation Herald uses has one wrapper here with its options fixed.

#include "CVips.h"

#include <dlfcn.h>
#include <vips/vips.h>

/// The libvips functions Herald calls, found in the loaded library.
typedef struct {
    int (*init)(const char *);
    int (*version)(int);
    void (*cache_set_max)(int);
    void (*cache_set_max_mem)(size_t);
    void (*cache_set_max_files)(int);
    const char *(*find_load_buffer)(const void *, size_t);
    VipsImage *(*new_from_buffer)(const void *, size_t, const char *, ...);
    int (*thumbnail_buffer)(void *, size_t, VipsImage **, int, ...);
    VipsArrayDouble *(*array_double_newv)(int, ...);
    int (*flatten)(VipsImage *, VipsImage **, ...);
    void (*area_unref)(VipsArea *);
    int (*jpegsave_buffer)(VipsImage *, void **, size_t *, ...);
    int (*pngsave_buffer)(VipsImage *, void **, size_t *, ...);
    int (*colourspace)(VipsImage *, VipsImage **, VipsInterpretation, ...);
    VipsImage *(*copy_memory)(VipsImage *);
    const char *(*error_buffer)(void);
    void (*error_clear)(void);
    int (*get_width)(const VipsImage *);
    int (*get_height)(const VipsImage *);
    int (*get_n_pages)(VipsImage *);
    int (*get_page_height)(VipsImage *);
    gboolean (*hasalpha)(VipsImage *);
    // GLib's, found through libvips (which depends on GLib): linking GLib and GObject would
    // load them, and what they load, at every start.
    guint (*log_set_handler)(const gchar *, GLogLevelFlags, GLogFunc, gpointer);
    void (*object_unref)(gpointer);
    void (*free)(gpointer);
} cvips_functions;

static cvips_functions *cvips_api(void) {
    static cvips_functions functions;
    return &functions;
}

static void cvips_quiet(const gchar *domain, GLogLevelFlags level, const gchar *message,
                        gpointer data) {}

#define CVIPS_LOAD(field, name)                                                                \
    if (!(*(void **)&api->field = dlsym(library, name))) return -2;

int cvips_start(void) {
    void *library = dlopen("libvips.so.42", RTLD_NOW | RTLD_LOCAL);
    if (!library) library = dlopen("libvips.so", RTLD_NOW | RTLD_LOCAL);
    if (!library) return -1;
    cvips_functions *api = cvips_api();
    CVIPS_LOAD(init, "vips_init")
    CVIPS_LOAD(version, "vips_version")
    CVIPS_LOAD(cache_set_max, "vips_cache_set_max")
    CVIPS_LOAD(cache_set_max_mem, "vips_cache_set_max_mem")
    CVIPS_LOAD(cache_set_max_files, "vips_cache_set_max_files")
    CVIPS_LOAD(find_load_buffer, "vips_foreign_find_load_buffer")
    CVIPS_LOAD(new_from_buffer, "vips_image_new_from_buffer")
    CVIPS_LOAD(thumbnail_buffer, "vips_thumbnail_buffer")
    CVIPS_LOAD(array_double_newv, "vips_array_double_newv")
    CVIPS_LOAD(flatten, "vips_flatten")
    CVIPS_LOAD(area_unref, "vips_area_unref")
    CVIPS_LOAD(jpegsave_buffer, "vips_jpegsave_buffer")
    CVIPS_LOAD(pngsave_buffer, "vips_pngsave_buffer")
    CVIPS_LOAD(colourspace, "vips_colourspace")
    CVIPS_LOAD(copy_memory, "vips_image_copy_memory")
    CVIPS_LOAD(error_buffer, "vips_error_buffer")
    CVIPS_LOAD(error_clear, "vips_error_clear")
    CVIPS_LOAD(get_width, "vips_image_get_width")
    CVIPS_LOAD(get_height, "vips_image_get_height")
    CVIPS_LOAD(get_n_pages, "vips_image_get_n_pages")
    CVIPS_LOAD(get_page_height, "vips_image_get_page_height")
    CVIPS_LOAD(hasalpha, "vips_image_hasalpha")
    CVIPS_LOAD(log_set_handler, "g_log_set_handler")
    CVIPS_LOAD(object_unref, "g_object_unref")
    CVIPS_LOAD(free, "g_free")
    // What VIPS_INIT checks: the library's ABI is the one these headers describe.
    if (api->version(3) - api->version(5) != VIPS_LIBRARY_CURRENT - VIPS_LIBRARY_AGE) return -2;
    if (api->init("herald") != 0) return -3;
    api->log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO,
                         cvips_quiet, NULL);
    api->cache_set_max(0);
    api->cache_set_max_mem(0);
    api->cache_set_max_files(0);
    return 0;
}

const char *cvips_loader(const void *data, size_t length) {
    return cvips_api()->find_load_buffer(data, length);
}

VipsImage *cvips_header(const void *data, size_t length) {
    return cvips_api()->new_from_buffer(data, length, "", "access", VIPS_ACCESS_SEQUENTIAL,
                                        "fail_on", VIPS_FAIL_ON_ERROR, NULL);
}

int cvips_thumbnail(const void *data, size_t length, int width, int height, VipsImage **out) {
    return cvips_api()->thumbnail_buffer((void *)data, length, out, width, "height", height,
                                         "size", VIPS_SIZE_DOWN, "fail_on", VIPS_FAIL_ON_ERROR,
                                         "option_string", "fail_on=error", NULL);
}

int cvips_flatten_white(VipsImage *in, VipsImage **out) {
    VipsArrayDouble *white = cvips_api()->array_double_newv(3, 255.0, 255.0, 255.0);
    int result = cvips_api()->flatten(in, out, "background", white, NULL);
    cvips_api()->area_unref((VipsArea *)white);
    return result;
}

int cvips_jpeg(VipsImage *in, int quality, void **buffer, size_t *length) {
    return cvips_api()->jpegsave_buffer(in, buffer, length, "Q", quality, "strip", TRUE,
                                        "optimize_coding", TRUE, "interlace", FALSE, NULL);
}

int cvips_png(VipsImage *in, void **buffer, size_t *length) {
    return cvips_api()->pngsave_buffer(in, buffer, length, "strip", TRUE, "compression", 9, NULL);
}

VipsImage *cvips_decoded(VipsImage *in) { return cvips_api()->copy_memory(in); }

int cvips_srgb(VipsImage *in, VipsImage **out) {
    return cvips_api()->colourspace(in, out, VIPS_INTERPRETATION_sRGB, NULL);
}

const char *cvips_error(void) { return cvips_api()->error_buffer(); }
void cvips_error_clear(void) { cvips_api()->error_clear(); }

int cvips_width(VipsImage *image) { return cvips_api()->get_width(image); }
int cvips_height(VipsImage *image) { return cvips_api()->get_height(image); }
int cvips_pages(VipsImage *image) { return cvips_api()->get_n_pages(image); }
int cvips_page_height(VipsImage *image) { return cvips_api()->get_page_height(image); }
int cvips_has_alpha(VipsImage *image) { return cvips_api()->hasalpha(image) ? 1 : 0; }

void cvips_release(VipsImage *image) { cvips_api()->object_unref(image); }

void cvips_free(void *buffer) { cvips_api()->free(buffer); }

