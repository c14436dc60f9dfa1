#include <qpdf/qpdf-c.h>
#include <sys/types.h>

/* glibc's copy_file_range(2), which <unistd.h> declares only under _GNU_SOURCE: qpdf reads an earlier revision of
 * a large PDF from a copy of its first bytes made in the kernel (see QPDFFile). */
ssize_t lienthong_copy_file_range(int in, long *in_offset, int out, long *out_offset, size_t length,
                                  unsigned int flags) __asm__("copy_file_range");
