# Signs a PDF with pyHanko as PAdES, as another Vietnamese system's software would: an incremental update with a new
# signature field. Arguments: key.pem passphrase cert.pem chain.pem in.pdf out.pdf field mechanism(pss|pkcs1|ecdsa).
# cert.pem may hold the certificate's chain after it, as LienThong's demo files do.
import sys

from pyhanko.keys import load_certs_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

key, passphrase, cert, chain, source, target, field, mechanism = sys.argv[1:9]
certificates = list(load_certs_from_pemder([cert, chain]))
signer = signers.SimpleSigner(
    signing_cert=certificates[0],
    signing_key=load_private_key_from_pemder(key, passphrase.encode()),
    cert_registry=SimpleCertificateStore.from_certs(certificates[1:]),
    prefer_pss=(mechanism == "pss"),
)
with open(source, "rb") as handle:
    writer = IncrementalPdfFileWriter(handle, strict=False)
    metadata = signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES)
    with open(target, "wb") as out:
        signers.sign_pdf(writer, metadata, signer=signer, output=out)
