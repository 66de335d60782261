// liblz4's block format, for compressing raw inputs: the fastest of the compressors measured (see
// Sources/IngestStore/Compression.swift).
#include <lz4.h>
