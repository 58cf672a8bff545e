// Which path the kernels take: AVX2 where the processor has it and the tests have not turned it off
// (`wb_kernels_allow_vector`). Shared by the kernels' files; not part of the module's interface.
#ifndef WB_VECTOR_CHOICE_H
#define WB_VECTOR_CHOICE_H

/// 1 when the AVX2 paths may run, 0 for the plain ones; the processor is asked once per process.
int wb_kernels_use_avx2(void);

#endif
