#ifndef CLD2_SHIM_H
#define CLD2_SHIM_H
// A C interface to CLD2 (C++), so Swift can call it without C++ interop.
#ifdef __cplusplus
extern "C" {
#endif

/// Detects the language of UTF-8 plain text. Writes the ISO 639-1 code (or CLD2's code) into `code`
/// (at least 16 bytes) and returns CLD2's percent of text in the top language; `reliable` gets 1 or 0.
int cld2_shim_detect(const char *utf8, int length, char *code, int code_size, int *reliable);

#ifdef __cplusplus
}
#endif
#endif
