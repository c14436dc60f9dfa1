#include <qpdf/qpdf-c.h>
#include <stdint.h>
#include <sys/types.h>

/* glibc's copy_file_range(2), which <unistd.h> declares only under _GNU_SOURCE: a large PDF's working copy and an
 * earlier revision for qpdf to read are copied in the kernel (see FileCopy.swift). */
ssize_t lienthong_copy_file_range(int in, int64_t *in_offset, int out, int64_t *out_offset, size_t length,
                                  unsigned int flags) __asm__("copy_file_range");
