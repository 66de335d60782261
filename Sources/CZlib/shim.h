// zlib, for keeping raw inputs compressed in the store.
#include <zlib.h>
