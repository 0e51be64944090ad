// QUIC Initial packet protection over libcrypto (see the header for what and why).
//
// Why libcrypto and these calls: the daemon already loads libcrypto (libcurl's TLS), and on a
// name-rich gateway every new QUIC flow derives keys and opens one or two Initials. Through
// swift-crypto that cost ~4 us per flow, almost all of it object and copy overhead around a
// few SHA-256 and AES blocks. Here:
//   - HMAC-SHA256 is written out over SHA256_CTX (a plain struct: no allocation, no provider
//     fetch). OpenSSL 3 marks the SHA256_* calls deprecated in favour of EVP_MD, whose
//     per-call fetch and context allocation are exactly the overhead we are removing; they
//     remain supported through the 3.x series.
//   - AES is through EVP with the ciphers fetched once per process and one reusable context
//     per thread per cipher (freed when the thread ends), so a call costs a key schedule and
//     the blocks themselves.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "CQUICCrypto.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// MARK: - HMAC-SHA256 and HKDF (RFC 2104, RFC 5869, RFC 8446 7.1)

typedef struct {
    SHA256_CTX inner;
    SHA256_CTX outer;
} hmac_key;

// Keys QUIC uses are at most one block (a 20-byte salt, a 32-byte secret).
static void hmac_init(hmac_key *hmac, const uint8_t *key, size_t key_length) {
    uint8_t pad[SHA256_CBLOCK];
    for (size_t index = 0; index < sizeof pad; index++) pad[index] = (index < key_length ? key[index] : 0) ^ 0x36;
    SHA256_Init(&hmac->inner);
    SHA256_Update(&hmac->inner, pad, sizeof pad);
    for (size_t index = 0; index < sizeof pad; index++) pad[index] ^= 0x36 ^ 0x5c;
    SHA256_Init(&hmac->outer);
    SHA256_Update(&hmac->outer, pad, sizeof pad);
}

// One HMAC over `message` with a keyed state that is copied, so the key serves several codes.
static void hmac_code(const hmac_key *hmac, const uint8_t *message, size_t length, uint8_t out[32]) {
    SHA256_CTX context = hmac->inner;
    uint8_t inner_digest[SHA256_DIGEST_LENGTH];
    SHA256_Update(&context, message, length);
    SHA256_Final(inner_digest, &context);
    context = hmac->outer;
    SHA256_Update(&context, inner_digest, sizeof inner_digest);
    SHA256_Final(out, &context);
}

// HKDF-Expand-Label with an empty context for outputs of at most 32 bytes: T(1) only.
static int expand_label(const hmac_key *secret, const char *prefix, const char *label, size_t length, uint8_t *out) {
    uint8_t info[2 + 1 + 255 + 1 + 1];
    size_t prefix_length = prefix ? strlen(prefix) : 0;
    size_t label_length = strlen(label);
    size_t full_length = 6 + prefix_length + (prefix ? 1 : 0) + label_length;
    if (length > SHA256_DIGEST_LENGTH || full_length > 255) return 0;
    size_t count = 0;
    info[count++] = (uint8_t)(length >> 8);
    info[count++] = (uint8_t)length;
    info[count++] = (uint8_t)full_length;
    memcpy(info + count, "tls13 ", 6);
    count += 6;
    if (prefix) {
        memcpy(info + count, prefix, prefix_length);
        count += prefix_length;
        info[count++] = ' ';
    }
    memcpy(info + count, label, label_length);
    count += label_length;
    info[count++] = 0;  // empty context
    info[count++] = 1;  // T(1) counter
    uint8_t block[SHA256_DIGEST_LENGTH];
    hmac_code(secret, info, count, block);
    memcpy(out, block, length);
    return 1;
}

int CQUICCrypto_deriveInitial(
    const uint8_t *salt, size_t salt_length,
    const uint8_t *dcid, size_t dcid_length,
    const char *direction_label, const char *prefix,
    uint8_t secret[32], uint8_t key[16], uint8_t iv[12], uint8_t hp[16]) {
    if (salt_length > SHA256_CBLOCK) return 0;
    hmac_key hmac;
    hmac_init(&hmac, salt, salt_length);
    uint8_t initial_secret[SHA256_DIGEST_LENGTH];
    hmac_code(&hmac, dcid, dcid_length, initial_secret);
    hmac_init(&hmac, initial_secret, sizeof initial_secret);
    if (!expand_label(&hmac, NULL, direction_label, 32, secret)) return 0;
    hmac_init(&hmac, secret, 32);
    return expand_label(&hmac, prefix, "key", 16, key) && expand_label(&hmac, prefix, "iv", 12, iv)
        && expand_label(&hmac, prefix, "hp", 16, hp);
}

// MARK: - AES through EVP, one context per thread per cipher

static pthread_once_t ciphers_once = PTHREAD_ONCE_INIT;
static pthread_key_t contexts_key;
static EVP_CIPHER *aes_128_gcm;
static EVP_CIPHER *aes_128_ecb;

typedef struct {
    EVP_CIPHER_CTX *gcm;
    EVP_CIPHER_CTX *ecb;
} thread_contexts;

static void free_contexts(void *value) {
    thread_contexts *contexts = value;
    EVP_CIPHER_CTX_free(contexts->gcm);
    EVP_CIPHER_CTX_free(contexts->ecb);
    free(contexts);
}

static void fetch_ciphers(void) {
    aes_128_gcm = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
    aes_128_ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
    if (pthread_key_create(&contexts_key, free_contexts) != 0) {
        EVP_CIPHER_free(aes_128_gcm);
        EVP_CIPHER_free(aes_128_ecb);
        aes_128_gcm = aes_128_ecb = NULL;
    }
}

static thread_contexts *contexts(void) {
    pthread_once(&ciphers_once, fetch_ciphers);
    if (!aes_128_gcm || !aes_128_ecb) return NULL;
    thread_contexts *found = pthread_getspecific(contexts_key);
    if (found) return found;
    found = calloc(1, sizeof *found);
    if (!found) return NULL;
    found->gcm = EVP_CIPHER_CTX_new();
    found->ecb = EVP_CIPHER_CTX_new();
    if (!found->gcm || !found->ecb || pthread_setspecific(contexts_key, found) != 0) {
        free_contexts(found);
        return NULL;
    }
    return found;
}

int CQUICCrypto_headerMask(const uint8_t hp[16], const uint8_t sample[16], uint8_t mask[16]) {
    thread_contexts *context = contexts();
    if (!context) return 0;
    int written = 0;
    return EVP_EncryptInit_ex2(context->ecb, aes_128_ecb, hp, NULL, NULL) == 1
        && EVP_CIPHER_CTX_set_padding(context->ecb, 0) == 1
        && EVP_EncryptUpdate(context->ecb, mask, &written, sample, 16) == 1 && written == 16;
}

int CQUICCrypto_open(
    const uint8_t key[16], const uint8_t nonce[12],
    const uint8_t *aad, size_t aad_length,
    const uint8_t *ciphertext, size_t ciphertext_length,
    const uint8_t tag[16], uint8_t *plaintext) {
    thread_contexts *context = contexts();
    if (!context || aad_length > INT32_MAX || ciphertext_length > INT32_MAX) return -1;
    EVP_CIPHER_CTX *gcm = context->gcm;
    // The default GCM IV length is 12 bytes, QUIC's nonce length, so no IVLEN control is needed.
    if (EVP_DecryptInit_ex2(gcm, aes_128_gcm, key, nonce, NULL) != 1) return -1;
    int written = 0;
    if (aad_length > 0 && EVP_DecryptUpdate(gcm, NULL, &written, aad, (int)aad_length) != 1) return -1;
    if (ciphertext_length > 0
        && EVP_DecryptUpdate(gcm, plaintext, &written, ciphertext, (int)ciphertext_length) != 1)
        return -1;
    if (EVP_CIPHER_CTX_ctrl(gcm, EVP_CTRL_AEAD_SET_TAG, 16, (void *)tag) != 1) return -1;
    uint8_t final_block[16];
    return EVP_DecryptFinal_ex(gcm, final_block, &written) == 1 ? 1 : 0;
}
