#ifndef CVIPS_H
#define CVIPS_H

#include <stddef.h>

// The libvips operations Herald uses, each with its options fixed (libvips takes them as
// variadic lists, which Swift can't call). libvips is loaded with dlopen by `cvips_start`,
// and this header names none of its types beyond the image: its headers need GLib's, and
// importing those would link GLib and GObject into every start of the program.

/// A libvips image (`VipsImage`, a GObject); Swift sees it as an opaque pointer.
typedef struct _VipsImage VipsImage;

/// Loads and starts libvips once: 0 when ready, -1 when the library is not installed, -2
/// when it lacks a function, -3 when it would not start. No operation cache (a short run
/// reads each image once); its warnings are not printed (Herald names the image itself).
/// Call it once, before any other function here.
int cvips_start(void);

/// The loader that reads `data` (`VipsForeignLoadPngBuffer`), or NULL.
const char *cvips_loader(const void *data, size_t length);

/// The image's header only (no pixels decoded): sequential access, failing on a truncated or
/// damaged file rather than padding it.
VipsImage *cvips_header(const void *data, size_t length);

/// A copy no larger than `width` × `height` (aspect kept; never enlarged), decoded with
/// shrink-on-load where the format allows, from the first page only.
int cvips_thumbnail(const void *data, size_t length, int width, int height, VipsImage **out);

/// The image on a white background, for formats without transparency.
int cvips_flatten_white(VipsImage *in, VipsImage **out);

/// JPEG at `quality`, metadata stripped (no camera serials or places leak to a network).
int cvips_jpeg(VipsImage *in, int quality, void **buffer, size_t *length);

/// PNG, metadata stripped.
int cvips_png(VipsImage *in, void **buffer, size_t *length);

/// The image decoded into memory, so it can be encoded several times; NULL on a decode
/// error (a truncated file).
VipsImage *cvips_decoded(VipsImage *in);

/// The image in sRGB, 8 bits a band (CMYK and 16-bit inputs become what every network shows).
int cvips_srgb(VipsImage *in, VipsImage **out);

/// The last error libvips recorded, and forgetting it.
const char *cvips_error(void);
void cvips_error_clear(void);

/// Header fields.
int cvips_width(VipsImage *image);
int cvips_height(VipsImage *image);
int cvips_pages(VipsImage *image);
int cvips_page_height(VipsImage *image);
int cvips_has_alpha(VipsImage *image);

/// Drops the reference the caller holds.
void cvips_release(VipsImage *image);

/// Frees a buffer libvips allocated.
void cvips_free(void *buffer);

#endif
