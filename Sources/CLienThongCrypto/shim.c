/*
 * Signing, CMS attributes, RFC 3161 time stamps, OCSP and CRL making: see lienthong_crypto.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "lienthong_crypto.h"

int shim_asn1_time_to_epoch(const ASN1_TIME *t, time_t *out) {
    struct tm tm;
    if (t == NULL || !ASN1_TIME_to_tm(t, &tm)) return 0;
    *out = timegm(&tm);
    return 1;
}

int shim_sk_X509_push_up_ref(STACK_OF(X509) *s, X509 *x) {
    if (!X509_up_ref(x)) return 0;
    if (sk_X509_push(s, x) <= 0) { X509_free(x); return 0; }
    return 1;
}

int shim_sign_digest(EVP_PKEY *key, const EVP_MD *md, int pss, const unsigned char *digest, size_t digest_len,
                     unsigned char *sig, size_t *sig_len, unsigned char *aid, size_t *aid_len) {
    static const unsigned char rsa_encryption[] = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00 };
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
    int rsa = EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA, ok = 0;
    OSSL_PARAM params[2];
    if (ctx == NULL) return 0;
    if (EVP_PKEY_sign_init(ctx) <= 0) goto done;
    if (rsa && EVP_PKEY_CTX_set_rsa_padding(ctx, pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING) <= 0) goto done;
    if (EVP_PKEY_CTX_set_signature_md(ctx, md) <= 0) goto done;
    if (rsa && pss && EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) <= 0) goto done;
    if (EVP_PKEY_sign(ctx, sig, sig_len, digest, digest_len) <= 0) goto done;
    if (rsa && !pss) {
        if (*aid_len < sizeof(rsa_encryption)) goto done;
        memcpy(aid, rsa_encryption, sizeof(rsa_encryption));
        *aid_len = sizeof(rsa_encryption);
        ok = 1;
        goto done;
    }
    params[0] = OSSL_PARAM_construct_octet_string(OSSL_SIGNATURE_PARAM_ALGORITHM_ID, aid, *aid_len);
    params[1] = OSSL_PARAM_construct_end();
    if (EVP_PKEY_CTX_get_params(ctx, params) <= 0 || params[0].return_size == 0) goto done;
    *aid_len = params[0].return_size;
    ok = 1;
done:
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

int shim_cms_verify_signed_attributes(EVP_PKEY *key, const EVP_MD *md, const X509_ALGOR *sig_alg,
                                      const unsigned char *attrs, size_t attrs_len,
                                      const unsigned char *sig, size_t sig_len) {
    static const unsigned char set_tag = 0x31;
    const EVP_MD *mgf1 = NULL;
    int sig_nid = OBJ_obj2nid(sig_alg->algorithm), md_nid = EVP_MD_get_type(md), hash_nid = NID_undef, key_nid = NID_undef;
    int padding = 0, saltlen = -1, ok = 0, count = 0;
    unsigned char hash[EVP_MAX_MD_SIZE];
    unsigned int hash_len = 0;
    OSSL_PARAM params[5];
    EVP_MD_CTX *mctx;
    EVP_PKEY_CTX *ctx;
    if (attrs_len < 2) return -1;
    if (sig_nid == NID_rsassaPss) {
        /* Every signature of a batch carries the same parameters: each thread remembers the last
           bytes it decoded (with the digest they were checked against) and what they meant. */
        static _Thread_local unsigned char seen[96];
        static _Thread_local int seen_len = -1, seen_md = NID_undef, seen_salt = 0;
        static _Thread_local const EVP_MD *seen_mgf1 = NULL;
        const ASN1_STRING *bytes = sig_alg->parameter && sig_alg->parameter->type == V_ASN1_SEQUENCE
            ? sig_alg->parameter->value.sequence : NULL;
        RSA_PSS_PARAMS *pss = NULL;
        X509_ALGOR *mask_hash = NULL;
        int valid;
        if (bytes != NULL && seen_len == ASN1_STRING_length(bytes) && seen_md == md_nid
            && memcmp(seen, ASN1_STRING_get0_data(bytes), (size_t)seen_len) == 0) {
            mgf1 = seen_mgf1;
            saltlen = seen_salt;
            key_nid = NID_rsaEncryption;
            padding = RSA_PKCS1_PSS_PADDING;
            goto known;
        }
        pss = bytes != NULL ? ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(RSA_PSS_PARAMS), sig_alg->parameter) : NULL;
        valid = pss != NULL
            && (pss->hashAlgorithm ? OBJ_obj2nid(pss->hashAlgorithm->algorithm) : NID_sha1) == md_nid;
        if (valid && pss->maskGenAlgorithm) {
            valid = OBJ_obj2nid(pss->maskGenAlgorithm->algorithm) == NID_mgf1 && pss->maskGenAlgorithm->parameter
                && pss->maskGenAlgorithm->parameter->type == V_ASN1_SEQUENCE
                && (mask_hash = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(X509_ALGOR), pss->maskGenAlgorithm->parameter)) != NULL
                && (mgf1 = EVP_get_digestbyobj(mask_hash->algorithm)) != NULL;
        } else if (valid) {
            mgf1 = EVP_sha1();
        }
        if (valid) {
            long salt = pss->saltLength ? ASN1_INTEGER_get(pss->saltLength) : 20;
            valid = salt >= 0 && salt <= 1024 && (pss->trailerField == NULL || ASN1_INTEGER_get(pss->trailerField) == 1);
            saltlen = (int)salt;
        }
        X509_ALGOR_free(mask_hash);
        RSA_PSS_PARAMS_free(pss);
        if (!valid) return -1;
        if (ASN1_STRING_length(bytes) <= (int)sizeof(seen)) {
            seen_len = ASN1_STRING_length(bytes);
            memcpy(seen, ASN1_STRING_get0_data(bytes), (size_t)seen_len);
            seen_md = md_nid;
            seen_mgf1 = mgf1;
            seen_salt = saltlen;
        }
        key_nid = NID_rsaEncryption;
        padding = RSA_PKCS1_PSS_PADDING;
    } else if (sig_nid == NID_rsaEncryption || sig_nid == NID_X9_62_id_ecPublicKey) {
        key_nid = sig_nid;
    } else if (!OBJ_find_sigid_algs(sig_nid, &hash_nid, &key_nid) || hash_nid != md_nid
               || (key_nid != NID_rsaEncryption && key_nid != NID_X9_62_id_ecPublicKey)) {
        return -1;
    }
known:
    if (key_nid == NID_rsaEncryption && padding == 0) padding = RSA_PKCS1_PADDING;
    if (EVP_PKEY_get_base_id(key) != (key_nid == NID_rsaEncryption ? EVP_PKEY_RSA : EVP_PKEY_EC)) return 0;

    if ((mctx = EVP_MD_CTX_new()) == NULL) return 0;
    if (EVP_DigestInit_ex(mctx, md, NULL) <= 0 || EVP_DigestUpdate(mctx, &set_tag, 1) <= 0
        || EVP_DigestUpdate(mctx, attrs + 1, attrs_len - 1) <= 0 || EVP_DigestFinal_ex(mctx, hash, &hash_len) <= 0) {
        EVP_MD_CTX_free(mctx);
        return 0;
    }
    EVP_MD_CTX_free(mctx);
    /* One set of parameters rather than a ctrl call each: every ctrl is translated to one. */
    if (padding) params[count++] = OSSL_PARAM_construct_int(OSSL_SIGNATURE_PARAM_PAD_MODE, &padding);
    params[count++] = OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_DIGEST, (char *)EVP_MD_get0_name(md), 0);
    if (padding == RSA_PKCS1_PSS_PADDING) {
        params[count++] = OSSL_PARAM_construct_utf8_string(OSSL_SIGNATURE_PARAM_MGF1_DIGEST, (char *)EVP_MD_get0_name(mgf1), 0);
        params[count++] = OSSL_PARAM_construct_int(OSSL_SIGNATURE_PARAM_PSS_SALTLEN, &saltlen);
    }
    params[count] = OSSL_PARAM_construct_end();
    if ((ctx = EVP_PKEY_CTX_new(key, NULL)) == NULL) return 0;
    if (EVP_PKEY_verify_init_ex(ctx, params) > 0)
        ok = EVP_PKEY_verify(ctx, sig, sig_len, hash, hash_len) == 1;
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

int shim_cms_signed_time(CMS_SignerInfo *si, int nid, time_t *out) {
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

int shim_cms_signed_octets(CMS_SignerInfo *si, const ASN1_OBJECT *oid,
                           const unsigned char **data) {
    ASN1_OCTET_STRING *os = CMS_signed_get0_data_by_OBJ(si, oid, -3, V_ASN1_OCTET_STRING);
    if (os == NULL) return -1;
    *data = ASN1_STRING_get0_data(os);
    return ASN1_STRING_length(os);
}

static ASN1_INTEGER *shim_ts_random_serial(TS_RESP_CTX *ctx, void *data) {
    BIGNUM *bn = BN_new();
    ASN1_INTEGER *serial = NULL;
    (void)data;
    if (bn != NULL && BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY)) serial = BN_to_ASN1_INTEGER(bn, NULL);
    BN_free(bn);
    if (serial == NULL) {
        TS_RESP_CTX_set_status_info(ctx, TS_STATUS_REJECTION, "could not make a serial number");
        TS_RESP_CTX_add_failure_info(ctx, TS_INFO_ADD_INFO_NOT_AVAILABLE);
    }
    return serial;
}

int shim_ts_request(const EVP_MD *md, const unsigned char *digest, int digest_len, unsigned char **out) {
    TS_REQ *req = TS_REQ_new();
    TS_MSG_IMPRINT *imprint = TS_MSG_IMPRINT_new();
    X509_ALGOR *algorithm = X509_ALGOR_new();
    ASN1_INTEGER *nonce = NULL;
    BIGNUM *bn = BN_new();
    int length = -1;
    if (req && imprint && algorithm && bn
        && TS_REQ_set_version(req, 1)
        && X509_ALGOR_set0(algorithm, OBJ_nid2obj(EVP_MD_get_type(md)), V_ASN1_NULL, NULL)
        && TS_MSG_IMPRINT_set_algo(imprint, algorithm)
        && TS_MSG_IMPRINT_set_msg(imprint, (unsigned char *)digest, digest_len)
        && TS_REQ_set_msg_imprint(req, imprint)
        && TS_REQ_set_cert_req(req, 1)
        && BN_rand(bn, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY)
        && (nonce = BN_to_ASN1_INTEGER(bn, NULL)) != NULL
        && TS_REQ_set_nonce(req, nonce)) {
        *out = NULL;
        length = i2d_TS_REQ(req, out);
    }
    ASN1_INTEGER_free(nonce);
    BN_free(bn);
    X509_ALGOR_free(algorithm);
    TS_MSG_IMPRINT_free(imprint);
    TS_REQ_free(req);
    return length;
}

int shim_ts_respond(X509 *cert, EVP_PKEY *key, STACK_OF(X509) *chain, const char *policy,
                    const unsigned char *request, int request_len, unsigned char **out) {
    TS_RESP_CTX *ctx = TS_RESP_CTX_new();
    BIO *in = BIO_new_mem_buf(request, request_len);
    ASN1_OBJECT *policy_oid = OBJ_txt2obj(policy, 1);
    TS_RESP *response = NULL;
    int length = -1;
    if (ctx && in && policy_oid
        && TS_RESP_CTX_set_signer_cert(ctx, cert)
        && TS_RESP_CTX_set_signer_key(ctx, key)
        && (chain == NULL || TS_RESP_CTX_set_certs(ctx, chain))
        && TS_RESP_CTX_set_def_policy(ctx, policy_oid)
        && TS_RESP_CTX_add_md(ctx, EVP_sha256())
        && TS_RESP_CTX_add_md(ctx, EVP_sha384())
        && TS_RESP_CTX_add_md(ctx, EVP_sha512())
        && TS_RESP_CTX_set_signer_digest(ctx, EVP_sha256())
        && TS_RESP_CTX_set_ess_cert_id_digest(ctx, EVP_sha256())
        && TS_RESP_CTX_set_accuracy(ctx, 1, 0, 0)) {
        TS_RESP_CTX_set_serial_cb(ctx, shim_ts_random_serial, NULL);
        response = TS_RESP_create_response(ctx, in);
        if (response != NULL) { *out = NULL; length = i2d_TS_RESP(response, out); }
    }
    TS_RESP_free(response);
    ASN1_OBJECT_free(policy_oid);
    BIO_free(in);
    TS_RESP_CTX_free(ctx);
    return length;
}

int shim_ts_digest_nids(const unsigned char *der, long der_len, int *signer_digest) {
    const unsigned char *p = der;
    PKCS7 *token = d2i_PKCS7(NULL, &p, der_len);
    TS_TST_INFO *info = token == NULL ? NULL : PKCS7_to_TS_TST_INFO(token);
    STACK_OF(PKCS7_SIGNER_INFO) *signers = info == NULL ? NULL : PKCS7_get_signer_info(token);
    int nid = -1;
    *signer_digest = NID_undef;
    if (info != NULL) {
        const X509_ALGOR *algorithm = TS_MSG_IMPRINT_get_algo(TS_TST_INFO_get_msg_imprint(info));
        nid = OBJ_obj2nid(algorithm->algorithm);
    }
    if (signers != NULL && sk_PKCS7_SIGNER_INFO_num(signers) == 1) {
        PKCS7_SIGNER_INFO *si = sk_PKCS7_SIGNER_INFO_value(signers, 0);
        int digest = OBJ_obj2nid(si->digest_alg->algorithm), md = NID_undef, pk = NID_undef;
        /* A signature algorithm that names its own hash (ecdsa-with-SHA1) must name the same one. */
        if (OBJ_find_sigid_algs(OBJ_obj2nid(si->digest_enc_alg->algorithm), &md, &pk) && md != NID_undef
            && md != digest)
            digest = NID_undef;
        *signer_digest = digest;
    }
    TS_TST_INFO_free(info);
    PKCS7_free(token);
    return nid;
}

int shim_ts_verify(const unsigned char *der, long der_len, X509_STORE *store, STACK_OF(X509) *untrusted,
                   const unsigned char *imprint, int imprint_len, time_t *gen_time, X509 **signer) {
    const unsigned char *p = der;
    PKCS7 *token = d2i_PKCS7(NULL, &p, der_len);
    TS_TST_INFO *info = NULL;
    TS_VERIFY_CTX *ctx = NULL;
    STACK_OF(X509) *signers = NULL;
    unsigned char *copy = NULL;
    int ok = -1;
    if (token == NULL) return -1;
    info = PKCS7_to_TS_TST_INFO(token);
    if (info == NULL || !shim_asn1_time_to_epoch(TS_TST_INFO_get_time(info), gen_time)) goto done;
    ok = 0;
    ctx = TS_VERIFY_CTX_new();
    if (ctx == NULL || !X509_STORE_up_ref(store)) goto done;
    TS_VERIFY_CTX_set_store(ctx, store);
    if (untrusted != NULL) TS_VERIFY_CTX_set_certs(ctx, X509_chain_up_ref(untrusted));
    /* The context frees the imprint it is given. */
    copy = OPENSSL_memdup(imprint, imprint_len);
    if (copy == NULL) goto done;
    TS_VERIFY_CTX_set_imprint(ctx, copy, imprint_len);
    TS_VERIFY_CTX_set_flags(ctx, TS_VFY_VERSION | TS_VFY_IMPRINT);
    if (TS_RESP_verify_token(ctx, token) == 1) {
        TS_VERIFY_CTX_set_flags(ctx, TS_VFY_SIGNATURE);
        ok = TS_RESP_verify_token(ctx, token) == 1 ? 1 : 2;
    }
    signers = PKCS7_get0_signers(token, untrusted, 0);
    if (signers != NULL && sk_X509_num(signers) > 0 && signer != NULL) {
        *signer = sk_X509_value(signers, 0);
        X509_up_ref(*signer);
    }
done:
    sk_X509_free(signers);
    TS_VERIFY_CTX_free(ctx);
    TS_TST_INFO_free(info);
    PKCS7_free(token);
    return ok;
}

int shim_cms_unsigned_sequence(CMS_SignerInfo *si, int nid, int index, const unsigned char **data) {
    int loc = -1, seen = 0;
    while ((loc = CMS_unsigned_get_attr_by_NID(si, nid, loc)) >= 0) {
        X509_ATTRIBUTE *attr = CMS_unsigned_get_attr(si, loc);
        int i;
        for (i = 0; attr != NULL && i < X509_ATTRIBUTE_count(attr); i++, seen++) {
            ASN1_TYPE *type = X509_ATTRIBUTE_get0_type(attr, i);
            if (seen == index && type != NULL && type->type == V_ASN1_SEQUENCE) {
                *data = ASN1_STRING_get0_data(type->value.sequence);
                return ASN1_STRING_length(type->value.sequence);
            }
        }
    }
    return -1;
}

char *shim_x509_crl_url(X509 *cert) {
    STACK_OF(DIST_POINT) *points = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
    char *url = NULL;
    int i, j;
    for (i = 0; points != NULL && url == NULL && i < sk_DIST_POINT_num(points); i++) {
        DIST_POINT *point = sk_DIST_POINT_value(points, i);
        if (point->distpoint == NULL || point->distpoint->type != 0) continue;
        for (j = 0; url == NULL && j < sk_GENERAL_NAME_num(point->distpoint->name.fullname); j++) {
            GENERAL_NAME *name = sk_GENERAL_NAME_value(point->distpoint->name.fullname, j);
            if (name->type == GEN_URI) url = OPENSSL_strdup((const char *)ASN1_STRING_get0_data(name->d.uniformResourceIdentifier));
        }
    }
    sk_DIST_POINT_pop_free(points, DIST_POINT_free);
    return url;
}

char *shim_x509_ocsp_url(X509 *cert) {
    STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(cert);
    char *url = NULL;
    if (urls != NULL && sk_OPENSSL_STRING_num(urls) > 0) url = OPENSSL_strdup(sk_OPENSSL_STRING_value(urls, 0));
    X509_email_free(urls);
    return url;
}

int shim_ocsp_request(X509 *cert, X509 *issuer, unsigned char **out) {
    OCSP_REQUEST *request = OCSP_REQUEST_new();
    OCSP_CERTID *id = OCSP_cert_to_id(NULL, cert, issuer);
    int length = -1;
    if (request != NULL && id != NULL && OCSP_request_add0_id(request, id) != NULL) {
        id = NULL;
        if (OCSP_request_add1_nonce(request, NULL, -1)) { *out = NULL; length = i2d_OCSP_REQUEST(request, out); }
    }
    OCSP_CERTID_free(id);
    OCSP_REQUEST_free(request);
    return length;
}

int shim_ocsp_basic_from_response(const unsigned char *der, long der_len, int *status, unsigned char **out) {
    const unsigned char *p = der;
    OCSP_RESPONSE *response = d2i_OCSP_RESPONSE(NULL, &p, der_len);
    OCSP_BASICRESP *basic = NULL;
    int length = -1;
    *status = -1;
    if (response == NULL) return -1;
    *status = OCSP_response_status(response);
    if (*status == OCSP_RESPONSE_STATUS_SUCCESSFUL && (basic = OCSP_response_get1_basic(response)) != NULL) {
        *out = NULL;
        length = i2d_OCSP_BASICRESP(basic, out);
    }
    OCSP_BASICRESP_free(basic);
    OCSP_RESPONSE_free(response);
    return length;
}

int shim_ocsp_status(const unsigned char *der, long der_len, X509 *cert, X509 *issuer, X509_STORE *store,
                     STACK_OF(X509) *untrusted, time_t *revoked_at, time_t *this_update, time_t *next_update) {
    const unsigned char *p = der;
    OCSP_BASICRESP *basic = d2i_OCSP_BASICRESP(NULL, &p, der_len);
    OCSP_CERTID *id = NULL;
    ASN1_GENERALIZEDTIME *revtime = NULL, *thisupd = NULL, *nextupd = NULL;
    STACK_OF(X509) *certs = NULL;
    int status = -1, reason = 0;
    if (basic == NULL) return -1;
    certs = untrusted != NULL ? X509_chain_up_ref(untrusted) : sk_X509_new_null();
    if (certs != NULL) { X509_up_ref(issuer); sk_X509_push(certs, issuer); }
    if (OCSP_basic_verify(basic, certs, store, 0) <= 0) { status = -2; goto done; }
    id = OCSP_cert_to_id(NULL, cert, issuer);
    if (id == NULL || !OCSP_resp_find_status(basic, id, &status, &reason, &revtime, &thisupd, &nextupd)) { status = -3; goto done; }
    *revoked_at = 0; *this_update = 0; *next_update = 0;
    if (revtime != NULL) shim_asn1_time_to_epoch(revtime, revoked_at);
    if (thisupd != NULL) shim_asn1_time_to_epoch(thisupd, this_update);
    if (nextupd != NULL) shim_asn1_time_to_epoch(nextupd, next_update);
done:
    OCSP_CERTID_free(id);
    sk_X509_pop_free(certs, X509_free);
    OCSP_BASICRESP_free(basic);
    return status;
}

X509_CRL *shim_crl_make(X509 *ca, EVP_PKEY *key, X509 **revoked, const time_t *revoked_at, int count,
                        int reason, time_t this_update, time_t next_update,
                        const char *const *names, const char *const *values, int extra) {
    X509_CRL *crl = X509_CRL_new();
    ASN1_TIME *t = NULL;
    int i, indirect = 0, ok = crl != NULL && X509_CRL_set_version(crl, X509_CRL_VERSION_2)
        && X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca));
    for (i = 0; i < count; i++) indirect |= X509_NAME_cmp(X509_get_issuer_name(revoked[i]), X509_get_subject_name(ca)) != 0;
    if (ok) { t = ASN1_TIME_set(NULL, this_update); ok = t != NULL && X509_CRL_set1_lastUpdate(crl, t); ASN1_TIME_free(t); }
    if (ok) { t = ASN1_TIME_set(NULL, next_update); ok = t != NULL && X509_CRL_set1_nextUpdate(crl, t); ASN1_TIME_free(t); }
    for (i = 0; ok && i < count; i++) {
        X509_REVOKED *entry = X509_REVOKED_new();
        t = ASN1_TIME_set(NULL, revoked_at[i]);
        ok = entry != NULL && t != NULL && X509_REVOKED_set_serialNumber(entry, (ASN1_INTEGER *)X509_get0_serialNumber(revoked[i]))
            && X509_REVOKED_set_revocationDate(entry, t);
        /* An indirect CRL names the issuer of every certificate it lists (RFC 5280 §5.3.3): a name
           left out would carry over from the entry before, and the entries are sorted below. */
        if (ok && indirect) {
            GENERAL_NAMES *names = sk_GENERAL_NAME_new_null();
            GENERAL_NAME *name = GENERAL_NAME_new();
            X509_NAME *issuer = X509_NAME_dup(X509_get_issuer_name(revoked[i]));
            ok = names != NULL && name != NULL && issuer != NULL;
            if (ok) { GENERAL_NAME_set0_value(name, GEN_DIRNAME, issuer); issuer = NULL; }
            ok = ok && sk_GENERAL_NAME_push(names, name) > 0;
            if (ok) name = NULL;
            ok = ok && X509_REVOKED_add1_ext_i2d(entry, NID_certificate_issuer, names, 1, X509V3_ADD_DEFAULT) == 1;
            X509_NAME_free(issuer);
            GENERAL_NAME_free(name);
            GENERAL_NAMES_free(names);
        }
        if (ok && reason >= 0) {
            ASN1_ENUMERATED *code = ASN1_ENUMERATED_new();
            ok = code != NULL && ASN1_ENUMERATED_set(code, reason)
                && X509_REVOKED_add1_ext_i2d(entry, NID_crl_reason, code, 0, X509V3_ADD_DEFAULT) == 1;
            ASN1_ENUMERATED_free(code);
        }
        ok = ok && X509_CRL_add0_revoked(crl, entry);
        ASN1_TIME_free(t);
        if (!ok) X509_REVOKED_free(entry);
    }
    /* RFC 5280 §5.2: the CRL number, here the issue time, and the key that signed it. */
    if (ok) {
        ASN1_INTEGER *number = ASN1_INTEGER_new();
        ok = number != NULL && ASN1_INTEGER_set_int64(number, (int64_t)this_update)
            && X509_CRL_add1_ext_i2d(crl, NID_crl_number, number, 0, X509V3_ADD_DEFAULT) == 1;
        ASN1_INTEGER_free(number);
    }
    if (ok) {
        AUTHORITY_KEYID *akid = AUTHORITY_KEYID_new();
        const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(ca);
        ok = akid != NULL && (skid == NULL || (akid->keyid = ASN1_OCTET_STRING_dup(skid)) != NULL)
            && X509_CRL_add1_ext_i2d(crl, NID_authority_key_identifier, akid, 0, X509V3_ADD_DEFAULT) == 1;
        AUTHORITY_KEYID_free(akid);
    }
    for (i = 0; ok && i < extra; i++) {
        X509V3_CTX ctx;
        X509_EXTENSION *ext;
        X509V3_set_ctx(&ctx, ca, NULL, NULL, crl, 0);
        ext = X509V3_EXT_nconf(NULL, &ctx, names[i], values[i]);
        ok = ext != NULL && X509_CRL_add_ext(crl, ext, -1);
        X509_EXTENSION_free(ext);
    }
    if (ok) ok = X509_CRL_sort(crl) && X509_CRL_sign(crl, key, EVP_sha256()) > 0;
    if (!ok) { X509_CRL_free(crl); return NULL; }
    return crl;
}

int shim_x509_add_ext(X509 *cert, X509 *issuer, int nid, const char *value) {
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

int shim_x509_eku_permits(X509 *cert, const char *const *oids, int count) {
    EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(cert, NID_ext_key_usage, NULL, NULL);
    char text[128];
    int found = 0, i, j;
    if (eku == NULL) return -1;
    for (i = 0; !found && i < sk_ASN1_OBJECT_num(eku); i++) {
        ASN1_OBJECT *usage = sk_ASN1_OBJECT_value(eku, i);
        if (OBJ_obj2nid(usage) == NID_anyExtendedKeyUsage) { found = 1; break; }
        if (OBJ_obj2txt(text, sizeof(text), usage, 1) <= 0) continue;
        for (j = 0; !found && j < count; j++) found = strcmp(text, oids[j]) == 0;
    }
    EXTENDED_KEY_USAGE_free(eku);
    return found;
}

int shim_x509_has_policy(X509 *cert, const char *oid_text) {
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
