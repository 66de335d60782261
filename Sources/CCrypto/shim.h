// OpenSSL's libcrypto, for SHA-256 of raw inputs and article texts (it uses the CPU's SHA instructions).
#include <openssl/sha.h>
#include <openssl/evp.h>
