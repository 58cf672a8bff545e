// zlib (Debian: zlib1g-dev): DEFLATE for the heatmap PNGs, and the CRC-32 and Adler-32 checksums.
#include <zlib.h>
