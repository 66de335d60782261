// Placeholder until the language helper writes the shim (see ExtractLanguage).
#include <cstdio>
#include <cstring>
#include <cld2/public/compact_lang_det.h>
#include "cld2_shim.h"

int cld2_shim_detect(const char *utf8, int length, char *code, int code_size, int *reliable) {
    bool is_reliable = false;
    CLD2::Language lang = CLD2::DetectLanguage(utf8, length, true, &is_reliable);
    const char *c = CLD2::LanguageCode(lang);
    std::snprintf(code, code_size, "%s", c);
    *reliable = is_reliable ? 1 : 0;
    return 0;
}
