// libdeflate, for compressing raw inputs: its zlib format is what zlib's `uncompress` reads back.
#include <libdeflate.h>
