#ifndef CLD2_SHIM_H
#define CLD2_SHIM_H
// A C interface to CLD2 (C++), so Swift can call it without C++ interop.
#ifdef __cplusplus
extern "C" {
#endif

/// The longest prefix CLD2 is ever given, in bytes (the buffer the shim copies into lives on the stack).
/// Past a few KB the answer for an article no longer changes (CLD2 votes per chunk of about a hundred
/// letters) while the time grows with the length.
#define CLD2_SHIM_MAX_BYTES 16384

/// What CLD2 says about one text.
typedef struct {
    /// CLD2's code of the language of the largest share of the text ("en", "zh-Hant", "iw", "un" for
    /// unknown), NUL-terminated.
    char code[16];
    /// CLD2's own summary language, which may pass over English in a mixed text (see the .cpp).
    char summary_code[16];
    /// Share of the text in the top language, 0…100.
    int percent;
    /// CLD2's score for the top language as a ratio to normal text in it: near 1 for ordinary prose,
    /// far from 1 for skewed text or gibberish.
    double normalized_score;
    /// Letter bytes CLD2 scored (tags, digits and punctuation are not counted).
    int text_bytes;
    /// 1 when CLD2 calls the answer reliable (enough text, a clear margin over the second language).
    int reliable;
    /// 1 when the input was not valid UTF-8 (the answer is then "un").
    int invalid_utf8;
} cld2_shim_result;

/// Detects the language of UTF-8 plain text (`length` bytes, no NUL needed). Only the first `max_bytes`
/// bytes are read (at most CLD2_SHIM_MAX_BYTES; 0 = that), cut back to a character boundary. Invalid UTF-8 gives "un", never a
/// crash. `best_effort` 1 asks CLD2 for an answer even on short text (otherwise it says "un").
/// Reentrant: CLD2 keeps its state on the stack and its tables are read-only.
void cld2_shim_detect(const char *utf8, long length, long max_bytes, int best_effort, cld2_shim_result *result);

/// CLD2's version string ("code_version - data_build_date").
const char *cld2_shim_version(void);

#ifdef __cplusplus
}
#endif
#endif
