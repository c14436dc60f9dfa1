// What a signature's appearance needs from C: HarfBuzz to read and subset TrueType fonts, libpng to read and write
// images, zlib to compress PDF streams.
#include <hb.h>
#include <hb-subset.h>
#include <png.h>
#include <zlib.h>

/// libpng's simplified API, whose constants are macros Swift cannot import.
static inline png_image lt_png_image(void) {
    png_image image = {0};
    image.version = PNG_IMAGE_VERSION;
    return image;
}
static inline png_uint_32 lt_png_format_rgba(void) { return PNG_FORMAT_RGBA; }
