// OpenBLAS's CBLAS interface (Debian: libopenblas-dev; pkg-config "openblas" adds the include path).
#include <cblas.h>
// Declared in openblas_config.h / cblas.h of OpenBLAS; repeated here so the shim works with either layout.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
