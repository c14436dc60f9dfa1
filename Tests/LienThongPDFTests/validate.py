# Validates every signature and document time stamp of a PDF with pyHanko, trusting only the given root, with no
# network: one line each, "field|bottom_line|intact|valid|trusted|coverage|modification_level".
import sys

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext

root = load_cert_from_pemder(sys.argv[1])
with open(sys.argv[2], "rb") as handle:
    reader = PdfFileReader(handle)
    for signature in reader.embedded_signatures:
        context = ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail")
        if signature.sig_object.get("/Type") == "/DocTimeStamp":
            status = validate_pdf_timestamp(signature, validation_context=context)
        else:
            status = validate_pdf_signature(signature, context)
        bottom_line = getattr(status, "bottom_line", status.intact and status.valid and status.trusted)
        print("|".join(str(value) for value in [
            signature.field_name, bottom_line, status.intact, status.valid, status.trusted,
            status.coverage.name if getattr(status, "coverage", None) else None,
            status.modification_level.name if getattr(status, "modification_level", None) else None,
        ]))
