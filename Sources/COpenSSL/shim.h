/*
 * The one header Swift imports from OpenSSL 3.
 *
 * Swift cannot import function-like macros, the typed stack families or variadic calls, so
 * what LienThong needs of them is wrapped here in small static inline functions. Nothing in
 * this file decides policy: it only makes OpenSSL reachable.
 */
#ifndef LIENTHONG_COPENSSL_SHIM_H
#define LIENTHONG_COPENSSL_SHIM_H

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
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* ---- memory and BIOs ---------------------------------------------------------------- */

static inline void shim_OPENSSL_free(void *p) { OPENSSL_free(p); }

static inline long shim_BIO_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }

static inline int shim_BIO_flush(BIO *b) { return (int)BIO_flush(b); }

/** A BIO that hashes what is read through it, so one pass over a file also yields its SHA-256. */
static inline BIO *shim_BIO_new_md(const EVP_MD *md) {
    BIO *b = BIO_new(BIO_f_md());
    if (b != NULL && !BIO_set_md(b, md)) { BIO_free(b); return NULL; }
    return b;
}
static inline int shim_BIO_md_final(BIO *b, unsigned char *out, unsigned int *len) {
    EVP_MD_CTX *ctx = NULL;
    if (BIO_get_md_ctx(b, &ctx) <= 0 || ctx == NULL) return 0;
    return EVP_DigestFinal_ex(ctx, out, len);
}

/* ---- certificate stacks -------------------------------------------------------------- */

static inline STACK_OF(X509) *shim_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int shim_sk_X509_num(const STACK_OF(X509) *s) { return sk_X509_num(s); }
static inline X509 *shim_sk_X509_value(const STACK_OF(X509) *s, int i) { return sk_X509_value(s, i); }
/** Pushes a new reference: the stack owns one, the caller keeps its own. */
static inline int shim_sk_X509_push_up_ref(STACK_OF(X509) *s, X509 *x) {
    if (!X509_up_ref(x)) return 0;
    if (sk_X509_push(s, x) <= 0) { X509_free(x); return 0; }
    return 1;
}
static inline void shim_sk_X509_pop_free(STACK_OF(X509) *s) { sk_X509_pop_free(s, X509_free); }

/* ---- CMS SignerInfos ----------------------------------------------------------------- */

/** PEM ("-----BEGIN CMS-----" or PKCS7) CMS, declared through a macro OpenSSL's header expands. */
static inline CMS_ContentInfo *shim_PEM_read_bio_CMS(BIO *bio) { return PEM_read_bio_CMS(bio, NULL, NULL, NULL); }

static inline int shim_sk_CMS_SignerInfo_num(STACK_OF(CMS_SignerInfo) *s) { return sk_CMS_SignerInfo_num(s); }
static inline CMS_SignerInfo *shim_sk_CMS_SignerInfo_value(STACK_OF(CMS_SignerInfo) *s, int i) {
    return sk_CMS_SignerInfo_value(s, i);
}

/**
 * Sets a SignerInfo's signatureAlgorithm from its key context, as OpenSSL does internally when
 * it signs through CMS_final. Needed for a SignerInfo signed with CMS_SignerInfo_sign after
 * CMS_REUSE_DIGEST | CMS_KEY_PARAM, where OpenSSL leaves the identifier unset (RSA-PSS, ECDSA).
 */
static inline int shim_cms_set_signature_algorithm(CMS_SignerInfo *si) {
    EVP_PKEY_CTX *pctx = CMS_SignerInfo_get0_pkey_ctx(si);
    X509_ALGOR *alg = NULL;
    unsigned char aid[256];
    const unsigned char *pp = aid;
    OSSL_PARAM params[2];
    int pad = RSA_PKCS1_PADDING;
    if (pctx == NULL) return 0;
    CMS_SignerInfo_get0_algs(si, NULL, NULL, NULL, &alg);
    if (alg == NULL) return 0;
    if (EVP_PKEY_CTX_get_rsa_padding(pctx, &pad) > 0 && pad == RSA_PKCS1_PADDING) {
        /* CMS names PKCS#1 v1.5 by the key algorithm, as OpenSSL's own signer does. */
        return X509_ALGOR_set0(alg, OBJ_nid2obj(NID_rsaEncryption), V_ASN1_NULL, NULL);
    }
    ERR_clear_error();
    params[0] = OSSL_PARAM_construct_octet_string(OSSL_SIGNATURE_PARAM_ALGORITHM_ID, aid, sizeof(aid));
    params[1] = OSSL_PARAM_construct_end();
    if (EVP_PKEY_CTX_get_params(pctx, params) <= 0 || params[0].return_size == 0) return 0;
    return d2i_X509_ALGOR(&alg, &pp, (long)params[0].return_size) != NULL;
}

/** Reads a signed attribute that holds a time (signing-time) as seconds since the epoch. */
static inline int shim_cms_signed_time(CMS_SignerInfo *si, int nid, time_t *out) {
    int loc = CMS_signed_get_attr_by_NID(si, nid, -1);
    X509_ATTRIBUTE *attr;
    ASN1_TYPE *type;
    const ASN1_TIME *t = NULL;
    struct tm tm;
    if (loc < 0) return 0;
    attr = CMS_signed_get_attr(si, loc);
    if (attr == NULL) return 0;
    type = X509_ATTRIBUTE_get0_type(attr, 0);
    if (type == NULL) return 0;
    if (type->type == V_ASN1_UTCTIME) t = type->value.utctime;
    else if (type->type == V_ASN1_GENERALIZEDTIME) t = type->value.generalizedtime;
    if (t == NULL || !ASN1_TIME_to_tm(t, &tm)) return 0;
    *out = timegm(&tm);
    return 1;
}

/** Reads a signed attribute that holds one OCTET STRING; returns its length or -1. */
static inline int shim_cms_signed_octets(CMS_SignerInfo *si, const ASN1_OBJECT *oid,
                                         const unsigned char **data) {
    ASN1_OCTET_STRING *os = CMS_signed_get0_data_by_OBJ(si, oid, -3, V_ASN1_OCTET_STRING);
    if (os == NULL) return -1;
    *data = ASN1_STRING_get0_data(os);
    return ASN1_STRING_length(os);
}

static inline int shim_cms_signed_attribute_count(CMS_SignerInfo *si, const ASN1_OBJECT *oid) {
    int count = 0, loc = -1;
    while ((loc = CMS_signed_get_attr_by_OBJ(si, oid, loc)) >= 0) count++;
    return count;
}

/* ---- X.509 ----------------------------------------------------------------------------- */

/** RFC 2253 names that keep UTF-8 (Vietnamese) as it is instead of escaping it. */
static const unsigned long SHIM_XN_FLAG_RFC2253_UTF8 = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;

static inline int shim_asn1_time_to_epoch(const ASN1_TIME *t, time_t *out) {
    struct tm tm;
    if (t == NULL || !ASN1_TIME_to_tm(t, &tm)) return 0;
    *out = timegm(&tm);
    return 1;
}

/** Adds one extension written in openssl.cnf syntax, e.g. "critical,CA:TRUE". */
static inline int shim_x509_add_ext(X509 *cert, X509 *issuer, int nid, const char *value) {
    X509V3_CTX ctx;
    X509_EXTENSION *ext;
    int ok;
    /* An empty configuration: extensions parsed from raw text (certificatePolicies) insist on one. */
    CONF *conf = NCONF_new(NULL);
    if (conf == NULL) return 0;
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509V3_set_nconf(&ctx, conf);
    ext = X509V3_EXT_nconf_nid(conf, &ctx, nid, value);
    NCONF_free(conf);
    if (ext == NULL) return 0;
    ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok;
}

/** Whether the certificate's certificatePolicies name this policy OID (dotted text). */
static inline int shim_x509_has_policy(X509 *cert, const char *oid_text) {
    CERTIFICATEPOLICIES *policies = X509_get_ext_d2i(cert, NID_certificate_policies, NULL, NULL);
    ASN1_OBJECT *wanted = OBJ_txt2obj(oid_text, 1);
    int found = 0, i;
    if (policies != NULL && wanted != NULL) {
        for (i = 0; i < sk_POLICYINFO_num(policies); i++) {
            if (OBJ_cmp(sk_POLICYINFO_value(policies, i)->policyid, wanted) == 0) { found = 1; break; }
        }
    }
    CERTIFICATEPOLICIES_free(policies);
    ASN1_OBJECT_free(wanted);
    return found;
}

#endif
