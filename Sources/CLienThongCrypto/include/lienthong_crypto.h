/*
 * LienThong's own C over OpenSSL 3: what is easier and safer written against OpenSSL's parsed
 * structures than reached from Swift. Signing a digest and checking CMS signed attributes, RFC 3161
 * time-stamp requests, answers and checks, OCSP, CRLs, and the RFC 5280 rules OpenSSL 3.0 does not
 * apply or applies differently.
 *
 * Each function answers one question or does one step; which answer refuses what is decided in
 * Swift (LienThongCrypto). The definitions are in shim.c and rfc5280.c.
 */
#ifndef LIENTHONG_CRYPTO_H
#define LIENTHONG_CRYPTO_H

#include <string.h>
#include <time.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/conf.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ts.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/** What a CRL's extensions say, as flags (shim_crl_profile): what it covers, and what RFC 5280 §5 forbids in it. */
enum {
    SHIM_CRL_UNKNOWN_CRITICAL = 1 << 0,
    SHIM_CRL_ENTRY_UNKNOWN_CRITICAL = 1 << 1,
    SHIM_CRL_NO_NUMBER = 1 << 2,
    SHIM_CRL_NUMBER_CRITICAL = 1 << 3,
    SHIM_CRL_DELTA = 1 << 4,
    SHIM_CRL_ONLY_USER = 1 << 5,
    SHIM_CRL_ONLY_CA = 1 << 6,
    SHIM_CRL_ONLY_ATTRIBUTE = 1 << 7,
    SHIM_CRL_SOME_REASONS = 1 << 8,
    SHIM_CRL_INDIRECT = 1 << 9,
    SHIM_CRL_NAMED_POINT = 1 << 10,
    SHIM_CRL_BAD_IDP = 1 << 11,
    SHIM_CRL_NOT_V2 = 1 << 12,
};

int shim_asn1_time_to_epoch(const ASN1_TIME *t, time_t *out);

/** Pushes a new reference: the stack owns one, the caller keeps its own. */
int shim_sk_X509_push_up_ref(STACK_OF(X509) *s, X509 *x);

/**
 * Signs a digest already computed with `md`: RSASSA-PSS (salt as long as the digest) when `pss`,
 * else PKCS#1 v1.5 for RSA; ECDSA for EC keys. Writes the signature and the DER AlgorithmIdentifier
 * a CMS SignerInfo labels it with (rsaEncryption for PKCS#1 v1.5, as OpenSSL's CMS does).
 * Returns 1, or 0 on failure.
 */
int shim_sign_digest(EVP_PKEY *key, const EVP_MD *md, int pss, const unsigned char *digest, size_t digest_len,
                     unsigned char *sig, size_t *sig_len, unsigned char *aid, size_t *aid_len);

/**
 * Verifies a SignerInfo's signature over its signed attributes as received: `attrs` is the whole
 * [0] IMPLICIT element, hashed with the SET OF tag in its place (RFC 5652 5.4), so the bytes
 * checked are the bytes sent, not a re-encoding. `md` is the SignerInfo's digest algorithm; the
 * rest comes from its signature AlgorithmIdentifier. Returns 1 when the signature is valid, 0 when
 * it is not (or the key is of another kind than the algorithm), and -1 when the algorithm is none
 * of RSASSA-PSS with MGF1 and trailer 1, RSA PKCS#1 v1.5 or ECDSA, each over `md`.
 */
int shim_cms_verify_signed_attributes(EVP_PKEY *key, const EVP_MD *md, const X509_ALGOR *sig_alg,
                                      const unsigned char *attrs, size_t attrs_len,
                                      const unsigned char *sig, size_t sig_len);

/** Reads a signed attribute that holds a time (signing-time) as seconds since the epoch. */
int shim_cms_signed_time(CMS_SignerInfo *si, int nid, time_t *out);

/** Reads a signed attribute that holds one OCTET STRING; returns its length or -1. */
int shim_cms_signed_octets(CMS_SignerInfo *si, const ASN1_OBJECT *oid,
                           const unsigned char **data);

/**
 * A DER TimeStampReq (RFC 3161) for a digest already computed with `md`, asking for the TSA's
 * certificate and carrying a random 64-bit nonce. Returns the length; *out is OPENSSL_malloc'ed.
 */
int shim_ts_request(const EVP_MD *md, const unsigned char *digest, int digest_len, unsigned char **out);

/**
 * Answers a DER TimeStampReq as a TSA: signs with `key` (certificate `cert`, with `chain`), under
 * `policy`, with ESSCertIDv2 over SHA-256. Returns the DER TimeStampResp, or -1; *out malloc'ed.
 * A response is made even when the request is refused: callers read its status.
 */
int shim_ts_respond(X509 *cert, EVP_PKEY *key, STACK_OF(X509) *chain, const char *policy,
                    const unsigned char *request, int request_len, unsigned char **out);

/**
 * Verifies a time-stamp token (DER ContentInfo) over `data`: first the message imprint against
 * the data hashed with the token's own algorithm, then the TSA's signature and certificate path to
 * `store` (the TSA certificate must carry the critical timeStamping EKU). Sets the genTime.
 * Returns 1 when it holds, 0 when the token's message imprint is not `imprint` (the stamped bytes hashed with
 * the token's own algorithm, shim_ts_imprint_nid), 2 when its signature or the TSA's certificate path fails,
 * -1 when the token cannot be parsed.
 */
int shim_ts_verify(const unsigned char *der, long der_len, X509_STORE *store, STACK_OF(X509) *untrusted,
                   const unsigned char *imprint, int imprint_len, time_t *gen_time, X509 **signer);

/* The NID of the digest algorithm of a DER TimeStampToken's message imprint: NID_undef for an algorithm OpenSSL
 * does not know, -1 for a token that cannot be read. `signer_digest` is set to the digest its one SignerInfo signs
 * with (NID_undef if it has not exactly one, or its signature algorithm names another hash). */
int shim_ts_digest_nids(const unsigned char *der, long der_len, int *signer_digest);

/** The DER of an unsigned attribute that holds one SEQUENCE (a time-stamp token, revocation values). */
int shim_cms_unsigned_sequence(CMS_SignerInfo *si, int nid, int index, const unsigned char **data);

/** The first http(s) URI among the certificate's CRL distribution points, or NULL (free it). */
char *shim_x509_crl_url(X509 *cert);

/** The first OCSP responder URL in the certificate's authority information access, or NULL (free it). */
char *shim_x509_ocsp_url(X509 *cert);

/** A DER OCSP request for `cert` issued by `issuer`, with a nonce. Returns the length; *out malloc'ed. */
int shim_ocsp_request(X509 *cert, X509 *issuer, unsigned char **out);

/**
 * The BasicOCSPResponse (DER) inside a DER OCSPResponse; *status is the responseStatus
 * (0 successful). Returns the length or -1; *out malloc'ed.
 */
int shim_ocsp_basic_from_response(const unsigned char *der, long der_len, int *status, unsigned char **out);

/**
 * What a BasicOCSPResponse says of `cert`: verifies the response (responder certificate path to
 * `store`, or the issuing CA itself), then finds the certificate's status.
 * Returns V_OCSP_CERTSTATUS_GOOD/REVOKED/UNKNOWN, -2 when the response does not verify, -3 when it
 * does not mention the certificate, -1 when it cannot be parsed.
 */
int shim_ocsp_status(const unsigned char *der, long der_len, X509 *cert, X509 *issuer, X509_STORE *store,
                     STACK_OF(X509) *untrusted, time_t *revoked_at, time_t *this_update, time_t *next_update);

/**
 * Makes and signs a CRL for `ca`, listing `count` certificates revoked at `revoked_at[i]`, with
 * `extra` more extensions in openssl.cnf syntax (`names[i]` = `values[i]`).
 */
X509_CRL *shim_crl_make(X509 *ca, EVP_PKEY *key, X509 **revoked, const time_t *revoked_at, int count,
                        int reason, time_t this_update, time_t next_update,
                        const char *const *names, const char *const *values, int extra);

/** Adds one extension written in openssl.cnf syntax, e.g. "critical,CA:TRUE". */
int shim_x509_add_ext(X509 *cert, X509 *issuer, int nid, const char *value);

/**
 * Whether the certificate's extended key usage permits one of `oids` (dotted text) or
 * anyExtendedKeyUsage: 1 yes, 0 no, -1 when it has no EKU, which restricts nothing.
 */
int shim_x509_eku_permits(X509 *cert, const char *const *oids, int count);

/** Whether the certificate's certificatePolicies name this policy OID (dotted text). */
int shim_x509_has_policy(X509 *cert, const char *oid_text);

/**
 * The RFC 5280 profile rules for one certificate of a path that OpenSSL's X509_STRICT leaves
 * out: serial number (§4.1.2.2), empty extended key usage (§4.2.1.12), name constraints only in
 * CA certificates, critical, non-empty and well formed (§4.2.1.10), well-formed subjectAltName
 * entries (§4.2.1.6), critical policyConstraints (§4.2.1.11), a readable non-empty
 * authorityInfoAccess (§4.2.2.1), an authority key identifier with its keyIdentifier in every
 * certificate but a self-signed one, and one that matches its own key identifier in a self-signed
 * one (§4.2.1.1). A trust anchor (`anchor`) is trusted by configuration: its serial is not judged.
 * Returns 1 when the certificate keeps them; 0 with the broken rule written to `why`.
 */
int shim_rfc5280_profile(X509 *cert, int anchor, char *why, size_t size);

/**
 * Whether the policies of the CAs on a path just validated allow the leaf's `policy` (RFC 5280
 * §6.1.3 d, §6.1.5 g): 1 when the valid policy tree's authority set holds it or anyPolicy, or when
 * a CA below the anchor asserts no policies at all (RFC 5280 then leaves no tree, and such a path
 * constrains nothing: PKIs without policies must go on working); 0 when every CA asserts policies
 * and they leave the leaf's out. OpenSSL frees an emptied tree, so the two cases without a tree
 * are told apart by the CAs' extensions.
 */
int shim_rfc5280_policy_allowed(X509_STORE_CTX *ctx, const ASN1_OBJECT *policy);

/** The CRL's extensions as SHIM_CRL_* flags: what it covers, and what RFC 5280 §5 forbids in it. */
int shim_crl_profile(X509_CRL *crl);

/**
 * Whether the CRL's issuing distribution point names one of the full names in the certificate's
 * CRL distribution points (RFC 5280 §6.3.3 b.2.i). 1 when the CRL names no point (it covers the
 * whole scope of its issuer), 0 when it names one the certificate does not.
 */
int shim_crl_point_matches(X509_CRL *crl, X509 *cert);

/**
 * Whether `crl` is an indirect CRL that one of the certificate's CRL distribution points names as
 * its source (RFC 5280 §4.2.1.13, §6.3.3 b.2): the point's cRLIssuer holds the CRL's issuer as a
 * directoryName, and when the CRL's issuing distribution point names a point, that name is the
 * point's own (b.2.i) or, for a point that gives only its cRLIssuer, one of those (b.2.ii).
 */
int shim_crl_indirect_source(X509_CRL *crl, X509 *cert);

/**
 * Whether `crl` lists `cert` (matching the certificateIssuer of indirect CRL entries): 1 with
 * the revocation date and the reason code (-1 without one), 0 when it does not, 2 when a delta CRL
 * takes it off (removeFromCRL).
 * A listed certificate whose revocation date cannot be read is revoked since the epoch.
 */
int shim_crl_entry(X509_CRL *crl, X509 *cert, time_t *revoked_at, int *reason);

void shim_rfc5280_set_verify_cb(X509_STORE_CTX *ctx);

#endif
