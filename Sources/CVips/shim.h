#ifndef CVIPS_SHIM_H
#define CVIPS_SHIM_H

#include <vips/vips.h>

// libvips takes its options as variadic NULL-terminated lists, which Swift can't call: each
// operation Herald uses has one wrapper here with its options fixed.

/// Starts libvips once: no operation cache (a short run reads each image once) and errors
/// kept for the caller to read.
static void cvips_quiet(const gchar *domain, GLogLevelFlags level, const gchar *message,
                        gpointer data) {}

static inline int cvips_start(void) {
    if (VIPS_INIT("herald") != 0) return -1;
    // libvips reports damaged input as GLib warnings on stderr; Herald names the image itself.
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO, cvips_quiet, NULL);
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    return 0;
}

/// The image's header only (no pixels decoded): sequential access, failing on a truncated or
/// damaged file rather than padding it.
static inline VipsImage *cvips_header(const void *data, size_t length) {
    return vips_image_new_from_buffer(data, length, "", "access", VIPS_ACCESS_SEQUENTIAL,
                                      "fail_on", VIPS_FAIL_ON_ERROR, NULL);
}

/// A copy no larger than `width` × `height` (aspect kept; never enlarged), decoded with
/// shrink-on-load where the format allows, from the first page only.
static inline int cvips_thumbnail(const void *data, size_t length, int width, int height,
                                  VipsImage **out) {
    return vips_thumbnail_buffer((void *)data, length, out, width, "height", height, "size",
                                 VIPS_SIZE_DOWN, "fail_on", VIPS_FAIL_ON_ERROR, "option_string",
                                 "fail_on=error", NULL);
}

/// The image on a white background, for formats without transparency.
static inline int cvips_flatten_white(VipsImage *in, VipsImage **out) {
    VipsArrayDouble *white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
    int result = vips_flatten(in, out, "background", white, NULL);
    vips_area_unref(VIPS_AREA(white));
    return result;
}

/// JPEG at `quality`, metadata stripped (no camera serials or places leak to a network).
static inline int cvips_jpeg(VipsImage *in, int quality, void **buffer, size_t *length) {
    return vips_jpegsave_buffer(in, buffer, length, "Q", quality, "strip", TRUE, "optimize_coding",
                                TRUE, "interlace", FALSE, NULL);
}

/// PNG, metadata stripped.
static inline int cvips_png(VipsImage *in, void **buffer, size_t *length) {
    return vips_pngsave_buffer(in, buffer, length, "strip", TRUE, "compression", 9, NULL);
}

/// The image decoded into memory, so it can be encoded several times; NULL on a decode
/// error (a truncated file).
static inline VipsImage *cvips_decoded(VipsImage *in) { return vips_image_copy_memory(in); }

/// The image in sRGB, 8 bits a band (CMYK and 16-bit inputs become what every network shows).
static inline int cvips_srgb(VipsImage *in, VipsImage **out) {
    return vips_colourspace(in, out, VIPS_INTERPRETATION_sRGB, NULL);
}

/// Drops the reference the caller holds.
static inline void cvips_release(VipsImage *image) { g_object_unref(image); }

#endif
