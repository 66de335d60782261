// CLD2's extended detection behind a C API. compact_lang_det.h uses FILE without including it.
#include <cstdio>
#include <cstring>
#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>
#include "cld2_shim.h"

namespace {

// Backs `length` off to the start of a UTF-8 character, so a cap never splits one (a split character
// would make CLD2 reject the whole buffer as invalid).
long cut_at_character(const char *utf8, long length) {
    if (length <= 0) return 0;
    long end = length;
    // At most 3 continuation bytes (10xxxxxx) precede the byte that starts the next character.
    int steps = 0;
    while (end > 0 && steps < 4 && (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) {
        end--;
        steps++;
    }
    return end;
}

// CLD2 accepts only "interchange-valid" UTF-8: one C1 control (U+0080…U+009F, common in text decoded as
// Latin-1 that was really cp1252), a C0 control other than tab/LF/CR, or a noncharacter makes it reject
// the whole buffer. Swift Strings may hold all of these. Copy the text, writing a space for each byte of
// such a character and of any invalid sequence, so the byte length and the words around stay the same.
// Returns 1 when something was replaced.
int copy_interchange_valid(const unsigned char *in, long length, char *out) {
    int replaced = 0;
    long i = 0;
    while (i < length) {
        unsigned char b = in[i];
        if (b < 0x80) {
            bool control = (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F;
            out[i] = control ? ' ' : static_cast<char>(b);
            replaced |= control ? 1 : 0;
            i++;
            continue;
        }
        int need = (b & 0xE0) == 0xC0 ? 1 : (b & 0xF0) == 0xE0 ? 2 : (b & 0xF8) == 0xF0 ? 3 : -1;
        unsigned long cp = need == 1 ? (b & 0x1F) : need == 2 ? (b & 0x0F) : (b & 0x07);
        bool ok = need > 0;
        for (int k = 1; ok && k <= need; k++) {
            if (i + k >= length || (in[i + k] & 0xC0) != 0x80) { ok = false; break; }
            cp = (cp << 6) | (in[i + k] & 0x3F);
        }
        if (ok) {
            static const unsigned long minimum[4] = {0, 0x80, 0x800, 0x10000};
            bool overlong = cp < minimum[need];
            bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
            bool c1 = cp >= 0x80 && cp <= 0x9F;
            bool nonchar = (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
            ok = !overlong && !surrogate && !c1 && !nonchar && cp <= 0x10FFFF;
        }
        if (!ok) {
            // One byte at a time: the next byte may start a good character.
            out[i] = ' ';
            replaced = 1;
            i++;
            continue;
        }
        std::memcpy(out + i, in + i, static_cast<size_t>(need + 1));
        i += need + 1;
    }
    return replaced;
}

}  // namespace

extern "C" void cld2_shim_detect(
    const char *utf8, long length, long max_bytes, int best_effort, cld2_shim_result *result) {
    std::memset(result, 0, sizeof(*result));
    std::snprintf(result->code, sizeof(result->code), "%s", "un");
    std::snprintf(result->summary_code, sizeof(result->summary_code), "%s", "un");
    if (utf8 == nullptr || length <= 0) return;
    if (max_bytes <= 0 || max_bytes > CLD2_SHIM_MAX_BYTES) max_bytes = CLD2_SHIM_MAX_BYTES;
    long capped = length;
    if (capped > max_bytes) capped = cut_at_character(utf8, max_bytes);
    if (capped <= 0) return;

    char buffer[CLD2_SHIM_MAX_BYTES];
    result->invalid_utf8 = copy_interchange_valid(reinterpret_cast<const unsigned char *>(utf8), capped, buffer);

    CLD2::CLDHints hints = {nullptr, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
    CLD2::Language language3[3];
    int percent3[3] = {0, 0, 0};
    double normalized_score3[3] = {0, 0, 0};
    int text_bytes = 0;
    bool is_reliable = false;
    int valid_prefix_bytes = 0;
    int flags = best_effort ? CLD2::kCLDFlagBestEffort : 0;
    // The CheckUTF8 variant scans the bytes first and answers UNKNOWN for invalid input instead of
    // reading past a truncated sequence.
    CLD2::Language top = CLD2::ExtDetectLanguageSummaryCheckUTF8(
        buffer, static_cast<int>(capped), true, &hints, flags, language3, percent3, normalized_score3, nullptr,
        &text_bytes, &is_reliable, &valid_prefix_bytes);

    if (valid_prefix_bytes < capped) result->invalid_utf8 = 1;
    // CLD2's summary language is not always the largest share: made for web pages, it passes over
    // English (menus, boilerplate) when another language holds a fair part of the page. The text here is
    // an article's clean text, so the language of most of it is the answer; the summary is the fallback
    // when the shares are empty.
    CLD2::Language chosen = top;
    int chosen_index = -1;
    for (int i = 0; i < 3; i++) {
        if (language3[i] != CLD2::UNKNOWN_LANGUAGE && percent3[i] > 0 &&
            (chosen_index < 0 || percent3[i] > percent3[chosen_index])) {
            chosen_index = i;
        }
    }
    if (chosen_index >= 0) chosen = language3[chosen_index];
    const char *code = CLD2::LanguageCode(chosen);
    std::snprintf(result->code, sizeof(result->code), "%s", code != nullptr && *code ? code : "un");
    for (int i = 0; i < 3; i++) {
        if (language3[i] == chosen) {
            result->percent = percent3[i];
            result->normalized_score = normalized_score3[i];
            break;
        }
    }
    const char *summary = CLD2::LanguageCode(top);
    std::snprintf(result->summary_code, sizeof(result->summary_code), "%s", summary != nullptr && *summary ? summary : "un");
    result->text_bytes = text_bytes;
    result->reliable = is_reliable ? 1 : 0;
}

extern "C" const char *cld2_shim_version(void) { return CLD2::DetectLanguageVersion(); }
