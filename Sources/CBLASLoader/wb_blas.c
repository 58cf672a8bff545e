// See wb_blas.h. OpenBLAS reads OPENBLAS_CORETYPE and its thread count in the constructor that runs when the library is
// opened, so the environment is set for the duration of dlopen only and then put back as the user had it.
#define _GNU_SOURCE
#include "wb_blas.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { RowMajor = 101, NoTrans = 111, Trans = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
typedef void (*dgemm_fn)(int, int, int, int, int, int, double, const double *, int, const double *, int, double, double *,
                         int);
typedef char *(*string_fn)(void);
typedef void (*set_threads_fn)(int);

static wb_blas_info info;
static sgemm_fn sgemm_ptr;
static dgemm_fn dgemm_ptr;
static pthread_once_t once = PTHREAD_ONCE_INIT;

int wb_cpu_has_avx2_fma(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

/// The environment variables OpenBLAS reads at load time that would change its kernels or start its thread pool.
static const char *const steered[] = {"OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS",
                                      "GOTO_BLOCK_FACTOR"};
#define STEERED_COUNT (sizeof(steered) / sizeof(steered[0]))

static void load(void) {
#if defined(__x86_64__)
    snprintf(info.architecture, sizeof info.architecture, "x86_64");
#elif defined(__aarch64__)
    snprintf(info.architecture, sizeof info.architecture, "arm64");
#else
    snprintf(info.architecture, sizeof info.architecture, "other");
#endif
    // WB_UNPIN_KERNELS=1 takes the path of a processor without AVX2/FMA (OpenBLAS picks its kernels), for tests of it.
    const char *unpin = getenv("WB_UNPIN_KERNELS");
    info.pinned = wb_cpu_has_avx2_fma() && !(unpin && strcmp(unpin, "1") == 0);

    char *saved[STEERED_COUNT];
    for (size_t i = 0; i < STEERED_COUNT; i++) {
        const char *value = getenv(steered[i]);
        saved[i] = value ? strdup(value) : NULL;
    }
    if (info.pinned) setenv("OPENBLAS_CORETYPE", "Haswell", 1); else unsetenv("OPENBLAS_CORETYPE");
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    setenv("GOTO_NUM_THREADS", "1", 1);
    setenv("OMP_NUM_THREADS", "1", 1);
    unsetenv("GOTO_BLOCK_FACTOR");

    const char *names[] = {"libopenblas.so.0", "libopenblas.so", "libopenblas.dylib"};
    void *handle = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !handle; i++) handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    const char *why = handle ? NULL : dlerror();

    for (size_t i = 0; i < STEERED_COUNT; i++) {
        if (saved[i]) { setenv(steered[i], saved[i], 1); free(saved[i]); } else unsetenv(steered[i]);
    }
    if (!handle) {
        snprintf(info.error, sizeof info.error,
                 "OpenBLAS could not be opened (%s); install it: apt-get install libopenblas0", why ? why : "not found");
        return;
    }
    sgemm_ptr = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    dgemm_ptr = (dgemm_fn)dlsym(handle, "cblas_dgemm");
    string_fn corename = (string_fn)dlsym(handle, "openblas_get_corename");
    string_fn config = (string_fn)dlsym(handle, "openblas_get_config");
    set_threads_fn set_threads = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
    if (!sgemm_ptr || !dgemm_ptr) {
        snprintf(info.error, sizeof info.error, "the OpenBLAS found has no cblas_sgemm/cblas_dgemm");
        return;
    }
    if (set_threads) set_threads(1);
    snprintf(info.core, sizeof info.core, "%s", corename ? corename() : "unknown");
    // openblas_get_config() starts "OpenBLAS 0.3.21 DYNAMIC_ARCH ...": the second word is the version.
    const char *text = config ? config() : NULL;
    if (text && strncmp(text, "OpenBLAS ", 9) == 0) {
        size_t length = strcspn(text + 9, " ");
        if (length >= sizeof info.version) length = sizeof info.version - 1;
        memcpy(info.version, text + 9, length);
        info.version[length] = 0;
    } else {
        snprintf(info.version, sizeof info.version, "unknown");
    }
    info.loaded = 1;
}

const wb_blas_info *wb_blas_load(void) {
    pthread_once(&once, load);
    return &info;
}

static int timing;
static unsigned long long timed_ns, timed_flops;
static wb_blas_shape_tally shapes[WB_BLAS_SHAPES];
static int shape_count;
static pthread_mutex_t shapes_lock = PTHREAD_MUTEX_INITIALIZER;

void wb_blas_set_timing(int on) {
    __atomic_store_n(&timed_ns, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&timed_flops, 0, __ATOMIC_RELAXED);
    pthread_mutex_lock(&shapes_lock);
    shape_count = 0;
    pthread_mutex_unlock(&shapes_lock);
    timing = on;
}

int wb_blas_timed_shape_count(void) {
    pthread_mutex_lock(&shapes_lock);
    int count = shape_count;
    pthread_mutex_unlock(&shapes_lock);
    return count;
}

wb_blas_shape_tally wb_blas_timed_shape(int index) {
    wb_blas_shape_tally tally = {0};
    pthread_mutex_lock(&shapes_lock);
    if (index >= 0 && index < shape_count) tally = shapes[index];
    pthread_mutex_unlock(&shapes_lock);
    return tally;
}

unsigned long long wb_blas_timed_nanoseconds(void) { return __atomic_load_n(&timed_ns, __ATOMIC_RELAXED); }

unsigned long long wb_blas_timed_flops(void) { return __atomic_load_n(&timed_flops, __ATOMIC_RELAXED); }

static unsigned long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (unsigned long long)t.tv_sec * 1000000000ull + (unsigned long long)t.tv_nsec;
}

/// Adds one GEMM's time and operations to the counters, and to its shape's line (a new line while there is room).
static void count(unsigned long long start, int doublePrecision, int transA, int transB, int m, int n, int k) {
    unsigned long long elapsed = now_ns() - start;
    __atomic_add_fetch(&timed_ns, elapsed, __ATOMIC_RELAXED);
    __atomic_add_fetch(&timed_flops, 2ull * (unsigned)m * (unsigned)n * (unsigned)k, __ATOMIC_RELAXED);
    pthread_mutex_lock(&shapes_lock);
    int i = 0;
    while (i < shape_count && !(shapes[i].double_precision == doublePrecision && shapes[i].trans_a == transA &&
                                shapes[i].trans_b == transB && shapes[i].m == m && shapes[i].n == n && shapes[i].k == k))
        i++;
    if (i == shape_count && shape_count < WB_BLAS_SHAPES) {
        shapes[i] = (wb_blas_shape_tally){doublePrecision, transA, transB, m, n, k, 0, 0};
        shape_count++;
    }
    if (i < shape_count) {
        shapes[i].calls++;
        shapes[i].nanoseconds += elapsed;
    }
    pthread_mutex_unlock(&shapes_lock);
}

static void require_loaded(void) {
    const wb_blas_info *found = wb_blas_load();
    if (!found->loaded) {
        fprintf(stderr, "wb: %s\n", found->error);
        exit(70);
    }
}

void wb_sgemm(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
              const float *b, int ldb, float beta, float *c, int ldc) {
    if (!sgemm_ptr) require_loaded();
    unsigned long long start = timing ? now_ns() : 0;
    sgemm_ptr(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    if (timing) count(start, 0, transA != 0, transB != 0, m, n, k);
}

void wb_dgemm(int transA, int transB, int m, int n, int k, double alpha, const double *a, int lda,
              const double *b, int ldb, double beta, double *c, int ldc) {
    if (!dgemm_ptr) require_loaded();
    unsigned long long start = timing ? now_ns() : 0;
    dgemm_ptr(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    if (timing) count(start, 1, transA != 0, transB != 0, m, n, k);
}
