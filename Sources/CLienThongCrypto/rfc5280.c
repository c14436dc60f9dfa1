/*
 * RFC 5280 rules OpenSSL 3.0 does not apply, or applies differently: see lienthong_crypto.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "lienthong_crypto.h"

/** Whether `name` is a DNS name in preferred syntax (RFC 5280 §4.2.1.6, RFC 1034 §3.5): LDH
 *  labels of 1…63 bytes, no leading, trailing or doubled dot; a leading "*." label is allowed in a
 *  subjectAltName (`wildcard`), never in a constraint. */
static int shim_rfc5280_dns_ok(const unsigned char *name, int length, int wildcard) {
    int i, label = 0;
    if (length <= 0) return 0;
    if (wildcard && length > 2 && name[0] == '*' && name[1] == '.') { name += 2; length -= 2; }
    for (i = 0; i < length; i++) {
        unsigned char c = name[i];
        if (c == '.') {
            if (label == 0 || name[i - 1] == '-') return 0;
            label = 0;
            continue;
        }
        if (!(isalnum(c) || (c == '-' && label > 0))) return 0;
        if (++label > 63) return 0;
    }
    return label > 0 && name[length - 1] != '-';
}

/** An rfc822Name in a subjectAltName: one mailbox, `local@domain` (RFC 5280 §4.2.1.6). */
static int shim_rfc5280_mailbox_ok(const unsigned char *name, int length) {
    int at = -1, i;
    for (i = 0; i < length; i++) {
        if (name[i] == '@') { if (at >= 0) return 0; at = i; }
        else if (name[i] <= ' ' || name[i] >= 0x7f) return 0;
    }
    return at > 0 && shim_rfc5280_dns_ok(name + at + 1, length - at - 1, 0);
}

/** An rfc822Name constraint: a mailbox, a host, or ".domain" for every host below it (§4.2.1.10). */
static int shim_rfc5280_mail_constraint_ok(const unsigned char *name, int length) {
    if (memchr(name, '@', (size_t)length) != NULL) return shim_rfc5280_mailbox_ok(name, length);
    if (length > 1 && name[0] == '.') return shim_rfc5280_dns_ok(name + 1, length - 1, 0);
    return shim_rfc5280_dns_ok(name, length, 0);
}

/** An iPAddress constraint: an address and a mask of contiguous leading ones, 8 or 32 bytes. */
static int shim_rfc5280_ip_constraint_ok(const ASN1_OCTET_STRING *ip) {
    int length = ASN1_STRING_length(ip), half = length / 2, i, zero = 0;
    const unsigned char *bytes = ASN1_STRING_get0_data(ip);
    if (length != 8 && length != 32) return 0;
    for (i = half; i < length; i++) {
        int bit;
        for (bit = 7; bit >= 0; bit--) {
            int one = (bytes[i] >> bit) & 1;
            if (one && zero) return 0;
            if (!one) zero = 1;
        }
    }
    return 1;
}

static int shim_rfc5280_subtrees_ok(STACK_OF(GENERAL_SUBTREE) *trees, char *why, size_t size) {
    int i;
    for (i = 0; i < sk_GENERAL_SUBTREE_num(trees); i++) {
        GENERAL_NAME *base = sk_GENERAL_SUBTREE_value(trees, i)->base;
        const ASN1_STRING *s = base->d.ia5;
        switch (base->type) {
        case GEN_DNS:
            if (!shim_rfc5280_dns_ok(ASN1_STRING_get0_data(s), ASN1_STRING_length(s), 0)) {
                snprintf(why, size, "a name constraint holds a malformed DNS name (RFC 5280 4.2.1.10)");
                return 0;
            }
            break;
        case GEN_EMAIL:
            if (!shim_rfc5280_mail_constraint_ok(ASN1_STRING_get0_data(s), ASN1_STRING_length(s))) {
                snprintf(why, size, "a name constraint holds a malformed e-mail address or domain (RFC 5280 4.2.1.10)");
                return 0;
            }
            break;
        case GEN_IPADD:
            if (!shim_rfc5280_ip_constraint_ok(base->d.ip)) {
                snprintf(why, size, "a name constraint holds a malformed IP address range (RFC 5280 4.2.1.10)");
                return 0;
            }
            break;
        default:
            break;
        }
    }
    return 1;
}

/** Whether the certificate names itself as issuer and its own key verifies its signature. */
static int shim_rfc5280_self_signed(X509 *cert) {
    int yes = X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)) == 0
        && X509_verify(cert, X509_get0_pubkey(cert)) == 1;
    ERR_clear_error();
    return yes;
}

static int shim_rfc5280_akid_ok(X509 *cert, char *why, size_t size) {
    int present = X509_get_ext_by_NID(cert, NID_authority_key_identifier, -1) >= 0;
    const ASN1_OCTET_STRING *keyid = X509_get0_authority_key_id(cert), *skid = X509_get0_subject_key_id(cert);
    if (X509_get_version(cert) < X509_VERSION_3) return 1;
    if (present && keyid == NULL) {
        snprintf(why, size, "its authority key identifier lacks the keyIdentifier (RFC 5280 4.2.1.1)");
        return 0;
    }
    if (!present && !shim_rfc5280_self_signed(cert)) {
        snprintf(why, size, "it is not self-signed and has no authority key identifier (RFC 5280 4.2.1.1)");
        return 0;
    }
    if (keyid != NULL && skid != NULL && ASN1_OCTET_STRING_cmp(keyid, skid) != 0 && shim_rfc5280_self_signed(cert)) {
        snprintf(why, size,
                 "it is self-signed but its authority key identifier is not its own key's (RFC 5280 4.2.1.1)");
        return 0;
    }
    return 1;
}

int shim_rfc5280_profile(X509 *cert, int anchor, char *why, size_t size) {
    const ASN1_INTEGER *serial = X509_get0_serialNumber(cert);
    int i, critical, is_ca = (X509_get_extension_flags(cert) & EXFLAG_CA) != 0;
    EXTENDED_KEY_USAGE *eku;
    NAME_CONSTRAINTS *nc;
    GENERAL_NAMES *san;
    AUTHORITY_INFO_ACCESS *aia;
    BIGNUM *bn;

    if (!shim_rfc5280_akid_ok(cert, why, size)) return 0;
    if (anchor) goto extensions;
    if (ASN1_STRING_length(serial) > 20) {
        snprintf(why, size, "its serial number is longer than 20 octets (RFC 5280 4.1.2.2)");
        return 0;
    }
    if (ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER) {
        snprintf(why, size, "its serial number is negative (RFC 5280 4.1.2.2)");
        return 0;
    }
    bn = ASN1_INTEGER_to_BN(serial, NULL);
    critical = bn != NULL && BN_is_zero(bn);
    BN_free(bn);
    if (critical) {
        snprintf(why, size, "its serial number is zero (RFC 5280 4.1.2.2)");
        return 0;
    }

extensions:
    eku = X509_get_ext_d2i(cert, NID_ext_key_usage, &critical, NULL);
    if (eku != NULL && sk_ASN1_OBJECT_num(eku) == 0) {
        EXTENDED_KEY_USAGE_free(eku);
        snprintf(why, size, "its extended key usage lists no purpose (RFC 5280 4.2.1.12)");
        return 0;
    }
    EXTENDED_KEY_USAGE_free(eku);

    nc = X509_get_ext_d2i(cert, NID_name_constraints, &critical, NULL);
    if (nc == NULL && critical >= 0) {
        snprintf(why, size, "its name constraints extension cannot be read (RFC 5280 4.2.1.10)");
        return 0;
    }
    if (nc != NULL) {
        int ok = 1;
        if (!is_ca) {
            snprintf(why, size, "an end-entity certificate carries name constraints (RFC 5280 4.2.1.10)");
            ok = 0;
        } else if (!critical) {
            snprintf(why, size, "its name constraints are not marked critical (RFC 5280 4.2.1.10)");
            ok = 0;
        } else if (sk_GENERAL_SUBTREE_num(nc->permittedSubtrees) <= 0
                   && sk_GENERAL_SUBTREE_num(nc->excludedSubtrees) <= 0) {
            snprintf(why, size, "its name constraints permit and exclude nothing (RFC 5280 4.2.1.10)");
            ok = 0;
        } else {
            ok = shim_rfc5280_subtrees_ok(nc->permittedSubtrees, why, size)
                && shim_rfc5280_subtrees_ok(nc->excludedSubtrees, why, size);
        }
        NAME_CONSTRAINTS_free(nc);
        if (!ok) return 0;
    }

    san = X509_get_ext_d2i(cert, NID_subject_alt_name, &critical, NULL);
    for (i = 0; san != NULL && i < sk_GENERAL_NAME_num(san); i++) {
        GENERAL_NAME *name = sk_GENERAL_NAME_value(san, i);
        const ASN1_STRING *s = name->d.ia5;
        int ok = 1;
        switch (name->type) {
        case GEN_DNS: ok = shim_rfc5280_dns_ok(ASN1_STRING_get0_data(s), ASN1_STRING_length(s), 1); break;
        case GEN_EMAIL: ok = shim_rfc5280_mailbox_ok(ASN1_STRING_get0_data(s), ASN1_STRING_length(s)); break;
        case GEN_IPADD: ok = ASN1_STRING_length(name->d.ip) == 4 || ASN1_STRING_length(name->d.ip) == 16; break;
        default: break;
        }
        if (!ok) {
            GENERAL_NAMES_free(san);
            snprintf(why, size, "its subject alternative name holds a malformed %s (RFC 5280 4.2.1.6)",
                     name->type == GEN_DNS ? "DNS name" : name->type == GEN_EMAIL ? "e-mail address" : "IP address");
            return 0;
        }
    }
    GENERAL_NAMES_free(san);

    if (X509_get_ext_by_NID(cert, NID_policy_constraints, -1) >= 0) {
        X509_EXTENSION *ext = X509_get_ext(cert, X509_get_ext_by_NID(cert, NID_policy_constraints, -1));
        if (!X509_EXTENSION_get_critical(ext)) {
            snprintf(why, size, "its policy constraints are not marked critical (RFC 5280 4.2.1.11)");
            return 0;
        }
    }

    aia = X509_get_ext_d2i(cert, NID_info_access, &critical, NULL);
    if ((aia == NULL && critical >= 0) || (aia != NULL && sk_ACCESS_DESCRIPTION_num(aia) == 0)) {
        AUTHORITY_INFO_ACCESS_free(aia);
        snprintf(why, size, "its authority information access is empty or cannot be read (RFC 5280 4.2.2.1)");
        return 0;
    }
    AUTHORITY_INFO_ACCESS_free(aia);
    return 1;
}

int shim_rfc5280_policy_allowed(X509_STORE_CTX *ctx, const ASN1_OBJECT *policy) {
    X509_POLICY_TREE *tree = X509_STORE_CTX_get0_policy_tree(ctx);
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
    int i, count = sk_X509_num(chain);
    if (tree == NULL) {
        for (i = 1; i < count - 1; i++) {
            if (X509_get_ext_by_NID(sk_X509_value(chain, i), NID_certificate_policies, -1) < 0) return 1;
        }
        return count <= 2;
    }
    for (i = 0; i < sk_X509_POLICY_NODE_num(X509_policy_tree_get0_policies(tree)); i++) {
        const X509_POLICY_NODE *node = sk_X509_POLICY_NODE_value(X509_policy_tree_get0_policies(tree), i);
        const ASN1_OBJECT *valid = X509_policy_node_get0_policy(node);
        if (OBJ_obj2nid(valid) == NID_any_policy || OBJ_cmp(valid, policy) == 0) return 1;
    }
    return 0;
}

/**
 * The verify callback every path validation runs with. notAfter is inclusive (RFC 5280
 * §4.1.2.5) where OpenSSL takes it as exclusive; a CA certificate without key usage is allowed,
 * as RFC 5280 §6.1 does not reject it (X509_STRICT would).
 */
static int shim_rfc5280_verify_cb(int ok, X509_STORE_CTX *ctx) {
    if (ok) return ok;
    switch (X509_STORE_CTX_get_error(ctx)) {
    case X509_V_ERR_CERT_HAS_EXPIRED: {
        X509 *cert = X509_STORE_CTX_get_current_cert(ctx);
        time_t at = X509_VERIFY_PARAM_get_time(X509_STORE_CTX_get0_param(ctx));
        if (cert != NULL && ASN1_TIME_cmp_time_t(X509_get0_notAfter(cert), at) == 0) {
            X509_STORE_CTX_set_error(ctx, X509_V_OK);
            return 1;
        }
        return 0;
    }
    case X509_V_ERR_CA_CERT_MISSING_KEY_USAGE:
        X509_STORE_CTX_set_error(ctx, X509_V_OK);
        return 1;
    default:
        return 0;
    }
}

int shim_crl_profile(X509_CRL *crl) {
    const STACK_OF(X509_EXTENSION) *extensions = X509_CRL_get0_extensions(crl);
    STACK_OF(X509_REVOKED) *entries = X509_CRL_get_REVOKED(crl);
    ISSUING_DIST_POINT *idp;
    int flags = 0, i, j, critical;
    if (X509_CRL_get_version(crl) != X509_CRL_VERSION_2) flags |= SHIM_CRL_NOT_V2;
    for (i = 0; i < sk_X509_EXTENSION_num(extensions); i++) {
        X509_EXTENSION *ext = sk_X509_EXTENSION_value(extensions, i);
        switch (OBJ_obj2nid(X509_EXTENSION_get_object(ext))) {
        case NID_crl_number:
            if (X509_EXTENSION_get_critical(ext)) flags |= SHIM_CRL_NUMBER_CRITICAL;
            break;
        case NID_delta_crl:
            flags |= SHIM_CRL_DELTA;
            break;
        case NID_authority_key_identifier: case NID_issuer_alt_name: case NID_issuing_distribution_point:
        case NID_freshest_crl: case NID_info_access:
            break;
        default:
            if (X509_EXTENSION_get_critical(ext)) flags |= SHIM_CRL_UNKNOWN_CRITICAL;
        }
    }
    if (X509_CRL_get_ext_by_NID(crl, NID_crl_number, -1) < 0) flags |= SHIM_CRL_NO_NUMBER;
    idp = X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, &critical, NULL);
    if (idp == NULL && critical != -1) flags |= SHIM_CRL_BAD_IDP;
    if (idp != NULL) {
        if (idp->onlyuser > 0) flags |= SHIM_CRL_ONLY_USER;
        if (idp->onlyCA > 0) flags |= SHIM_CRL_ONLY_CA;
        if (idp->onlyattr > 0) flags |= SHIM_CRL_ONLY_ATTRIBUTE;
        if (idp->onlysomereasons != NULL) flags |= SHIM_CRL_SOME_REASONS;
        if (idp->indirectCRL > 0) flags |= SHIM_CRL_INDIRECT;
        if (idp->distpoint != NULL) flags |= SHIM_CRL_NAMED_POINT;
        ISSUING_DIST_POINT_free(idp);
    }
    for (i = 0; i < sk_X509_REVOKED_num(entries); i++) {
        const STACK_OF(X509_EXTENSION) *ext = X509_REVOKED_get0_extensions(sk_X509_REVOKED_value(entries, i));
        for (j = 0; j < sk_X509_EXTENSION_num(ext); j++) {
            X509_EXTENSION *e = sk_X509_EXTENSION_value(ext, j);
            switch (OBJ_obj2nid(X509_EXTENSION_get_object(e))) {
            case NID_crl_reason: case NID_invalidity_date: case NID_certificate_issuer: case NID_hold_instruction_code:
                break;
            default:
                if (X509_EXTENSION_get_critical(e)) flags |= SHIM_CRL_ENTRY_UNKNOWN_CRITICAL;
            }
        }
    }
    return flags;
}

int shim_crl_point_matches(X509_CRL *crl, X509 *cert) {
    ISSUING_DIST_POINT *idp = X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, NULL, NULL);
    STACK_OF(DIST_POINT) *points;
    int i, j, k, match = 0;
    if (idp == NULL || idp->distpoint == NULL) { ISSUING_DIST_POINT_free(idp); return 1; }
    if (idp->distpoint->type != 0) { ISSUING_DIST_POINT_free(idp); return 0; }
    points = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
    for (i = 0; !match && i < sk_DIST_POINT_num(points); i++) {
        DIST_POINT *point = sk_DIST_POINT_value(points, i);
        if (point->distpoint == NULL || point->distpoint->type != 0) continue;
        for (j = 0; !match && j < sk_GENERAL_NAME_num(point->distpoint->name.fullname); j++) {
            GENERAL_NAME *name = sk_GENERAL_NAME_value(point->distpoint->name.fullname, j);
            for (k = 0; !match && k < sk_GENERAL_NAME_num(idp->distpoint->name.fullname); k++) {
                match = GENERAL_NAME_cmp(name, sk_GENERAL_NAME_value(idp->distpoint->name.fullname, k)) == 0;
            }
        }
    }
    sk_DIST_POINT_pop_free(points, DIST_POINT_free);
    ISSUING_DIST_POINT_free(idp);
    return match;
}

int shim_crl_indirect_source(X509_CRL *crl, X509 *cert) {
    ISSUING_DIST_POINT *idp = X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, NULL, NULL);
    STACK_OF(DIST_POINT) *points;
    int i, j, k, found = 0;
    if (idp == NULL || idp->indirectCRL <= 0 || (idp->distpoint != NULL && idp->distpoint->type != 0)) {
        ISSUING_DIST_POINT_free(idp);
        return 0;
    }
    points = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
    for (i = 0; !found && i < sk_DIST_POINT_num(points); i++) {
        DIST_POINT *point = sk_DIST_POINT_value(points, i);
        STACK_OF(GENERAL_NAME) *names = NULL;
        int named = 0;
        for (j = 0; !named && j < sk_GENERAL_NAME_num(point->CRLissuer); j++) {
            GENERAL_NAME *name = sk_GENERAL_NAME_value(point->CRLissuer, j);
            named = name->type == GEN_DIRNAME && X509_NAME_cmp(name->d.directoryName, X509_CRL_get_issuer(crl)) == 0;
        }
        if (!named) continue;
        if (idp->distpoint == NULL) { found = 1; break; }
        if (point->distpoint != NULL) {
            if (point->distpoint->type != 0) continue;
            names = point->distpoint->name.fullname;
        } else {
            names = point->CRLissuer;
        }
        for (j = 0; !found && j < sk_GENERAL_NAME_num(names); j++) {
            for (k = 0; !found && k < sk_GENERAL_NAME_num(idp->distpoint->name.fullname); k++) {
                found = GENERAL_NAME_cmp(sk_GENERAL_NAME_value(names, j),
                                         sk_GENERAL_NAME_value(idp->distpoint->name.fullname, k)) == 0;
            }
        }
    }
    sk_DIST_POINT_pop_free(points, DIST_POINT_free);
    ISSUING_DIST_POINT_free(idp);
    return found;
}

int shim_crl_entry(X509_CRL *crl, X509 *cert, time_t *revoked_at, int *reason) {
    X509_REVOKED *entry = NULL;
    ASN1_ENUMERATED *code;
    int found = X509_CRL_get0_by_cert(crl, &entry, cert);
    *reason = -1;
    if (found == 2) return 2;
    if (found != 1 || entry == NULL) return 0;
    if (!shim_asn1_time_to_epoch(X509_REVOKED_get0_revocationDate(entry), revoked_at)) *revoked_at = 0;
    code = X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, NULL, NULL);
    if (code != NULL) *reason = (int)ASN1_ENUMERATED_get(code);
    ASN1_ENUMERATED_free(code);
    return 1;
}

void shim_rfc5280_set_verify_cb(X509_STORE_CTX *ctx) {
    X509_STORE_CTX_set_verify_cb(ctx, shim_rfc5280_verify_cb);
}
