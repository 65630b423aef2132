#ifndef TAGGER_CZLIB_SHIM_H
#define TAGGER_CZLIB_SHIM_H
#include <zlib.h>
/* inflateInit2/deflateInit2 are macros over the _ variants: give Swift callable forms. */
static inline int tagger_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
static inline int tagger_deflateInit2(z_streamp strm, int level, int windowBits) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
