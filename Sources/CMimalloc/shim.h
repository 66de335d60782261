// mimalloc (Debian's libmimalloc) replaces glibc's malloc for the whole daemon; its tuning lives here.
#include <mimalloc.h>
#include <stdlib.h>

// mimalloc gives freed pages back to the OS 25 ms after they empty (segments after 500 ms). In a burst the
// daemon frees and allocates the same few hundred MB over and over, so pages went back and were faulted in
// again moments later (madvise and page faults were 1.4 % of its CPU). Ten seconds keeps them through a
// burst; memory left unused that long still goes back. MIMALLOC_DECOMMIT_DELAY and
// MIMALLOC_SEGMENT_DECOMMIT_DELAY in the environment still win.
static inline void ingest_mimalloc_keep_freed_pages(long milliseconds) {
    if (getenv("MIMALLOC_DECOMMIT_DELAY") == NULL && getenv("MIMALLOC_RESET_DELAY") == NULL)
        mi_option_set(mi_option_decommit_delay, milliseconds);
    if (getenv("MIMALLOC_SEGMENT_DECOMMIT_DELAY") == NULL)
        mi_option_set(mi_option_segment_decommit_delay, milliseconds);
}
