/*
 * The one header Swift imports from OpenSSL 3.
 *
 * Swift cannot import function-like macros, the typed stack families or variadic calls, so
 * what LienThong needs of them is wrapped here in small static inline functions, one line each.
 * Nothing in this file decides anything: it only makes OpenSSL reachable. LienThong's own C
 * (signing a digest, time stamps, OCSP, the RFC 5280 checks) is in CLienThongCrypto.
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
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/ts.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* ---- memory and BIOs ---------------------------------------------------------------- */

static inline void shim_OPENSSL_free(void *p) { OPENSSL_free(p); }

static inline long shim_BIO_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }

static inline int shim_BIO_flush(BIO *b) { return (int)BIO_flush(b); }

/* ---- certificate stacks -------------------------------------------------------------- */

static inline STACK_OF(X509) *shim_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int shim_sk_X509_num(const STACK_OF(X509) *s) { return sk_X509_num(s); }
static inline X509 *shim_sk_X509_value(const STACK_OF(X509) *s, int i) { return sk_X509_value(s, i); }
static inline void shim_sk_X509_pop_free(STACK_OF(X509) *s) { sk_X509_pop_free(s, X509_free); }

/* ---- CMS SignerInfos ----------------------------------------------------------------- */

/** PEM ("-----BEGIN CMS-----" or PKCS7) CMS, declared through a macro OpenSSL's header expands. */
static inline CMS_ContentInfo *shim_PEM_read_bio_CMS(BIO *bio) { return PEM_read_bio_CMS(bio, NULL, NULL, NULL); }

static inline int shim_sk_CMS_SignerInfo_num(STACK_OF(CMS_SignerInfo) *s) { return sk_CMS_SignerInfo_num(s); }
static inline CMS_SignerInfo *shim_sk_CMS_SignerInfo_value(STACK_OF(CMS_SignerInfo) *s, int i) {
    return sk_CMS_SignerInfo_value(s, i);
}

/* ---- X.509 names ------------------------------------------------------------------- */

/** RFC 2253 names that keep UTF-8 (Vietnamese) as it is instead of escaping it. */
static const unsigned long SHIM_XN_FLAG_RFC2253_UTF8 = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;

#endif
