from celery import shared_task

from reports.pdfs import pdf_render, pdf_sweep


@shared_task
def render_pdf(pdf_id: int) -> bool:
    """Render one queued PDF (claimed first, so a duplicate message or the sweep cannot render it twice)."""
    return pdf_render(pdf_id)


@shared_task
def sweep_pdfs() -> dict:
    """Beat's tick: PDFs left queued or stuck are rendered, one-off downloads past their day deleted."""
    return pdf_sweep()
