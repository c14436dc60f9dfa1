# pyHanko's AdES long-term validation (ETSI EN 319 102-1, 5.6.3) of every signature of a PDF, from the data the PDF
# embeds alone (LOCAL_ONLY: no network), trusting only the given root, with revocation information required, as
# pyHanko's own test-suite sets it up: one line each, "field|indication|subindication|failure".
import asyncio
import sys
from datetime import timezone

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import ades
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec, RevinfoOnlineFetchingRule, RevocationInfoGatheringSpec, SignatureValidationSpec)
from pyhanko_certvalidator import policy_decl
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.registry import SimpleTrustManager


async def main(root_path, pdf_path):
    spec = PdfSignatureValidationSpec(signature_validation_spec=SignatureValidationSpec(
        cert_validation_policy=CertValidationPolicySpec(
            trust_manager=SimpleTrustManager.build([load_cert_from_pemder(root_path)]),
            revinfo_policy=policy_decl.CertRevTrustPolicy(
                revocation_checking_policy=policy_decl.REQUIRE_REVINFO,
                freshness_req_type=policy_decl.FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION)),
        revinfo_gathering_policy=RevocationInfoGatheringSpec(
            online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY)))
    with open(pdf_path, "rb") as handle:
        for signature in PdfFileReader(handle).embedded_signatures:
            if signature.sig_object.get("/SubFilter") == "/ETSI.RFC3161":
                continue  # the evidence of the signatures before it, not a signature of its own
            result = await ades.ades_lta_validation(
                signature, pdf_validation_spec=spec, timing_info=ValidationTimingInfo.now(tz=timezone.utc))
            print("|".join(str(value) for value in [
                signature.field_name, result.ades_subindic.status.name, result.ades_subindic.name,
                result.failure_msg]))


asyncio.run(main(sys.argv[1], sys.argv[2]))
