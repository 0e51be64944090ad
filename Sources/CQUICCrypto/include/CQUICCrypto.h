#ifndef CQUICCRYPTO_H
#define CQUICCRYPTO_H

// QUIC Initial packet protection (RFC 9001 5.2-5.4) over libcrypto, for the passive engine's
// per-flow path: key derivation and packet opening without a heap allocation or a provider
// lookup per call. The keys are plain bytes owned by the caller, so they are immutable values
// any thread may read; each call sets up its own cipher state on the stack or in a context it
// frees before returning.

#include <stddef.h>
#include <stdint.h>

// Derives one direction's Initial secrets: HKDF-Extract(salt, dcid), HKDF-Expand-Label
// `direction_label` ("client in"/"server in") into `secret` (32 bytes), then
// "<prefix> key" (16), "<prefix> iv" (12) and "<prefix> hp" (16). `prefix` is "quic" or
// "quicv2". Returns 1, or 0 when a label does not fit (never for QUIC's labels).
int CQUICCrypto_deriveInitial(
    const uint8_t *salt, size_t salt_length,
    const uint8_t *dcid, size_t dcid_length,
    const char *direction_label, const char *prefix,
    uint8_t secret[32], uint8_t key[16], uint8_t iv[12], uint8_t hp[16]);

// AES-128-ECB of one 16-byte block: the header-protection mask. Returns 1, or 0 on failure.
int CQUICCrypto_headerMask(const uint8_t hp[16], const uint8_t sample[16], uint8_t mask[16]);

// AES-128-GCM open: decrypts `ciphertext` into `plaintext` (same length; may not overlap) and
// checks `tag` over `aad`. Returns 1 when it authenticates, 0 when it does not (the plaintext
// is then garbage the caller must not read), -1 when libcrypto could not set up the cipher.
int CQUICCrypto_open(
    const uint8_t key[16], const uint8_t nonce[12],
    const uint8_t *aad, size_t aad_length,
    const uint8_t *ciphertext, size_t ciphertext_length,
    const uint8_t tag[16], uint8_t *plaintext);

#endif
