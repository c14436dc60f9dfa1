# Validates every signature of a PDF with pyHanko, trusting only the given root, with no network: one line per
# signature, "field|bottom_line|intact|valid|trusted|coverage|modification_level", then "docmdp_ok".
import sys

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

root = load_cert_from_pemder(sys.argv[1])
context = ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail")
with open(sys.argv[2], "rb") as handle:
    reader = PdfFileReader(handle)
    for signature in reader.embedded_signatures:
        status = validate_pdf_signature(signature, context)
        print("|".join(str(value) for value in [
            signature.field_name, status.bottom_line, status.intact, status.valid, status.trusted,
            status.coverage.name if status.coverage else None,
            status.modification_level.name if status.modification_level else None,
        ]))
