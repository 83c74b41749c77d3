"""A PDF agreement the tests build themselves (WeasyPrint, from the HTML below): a fictional EU–Freedonia
Partnership on A6 pages, so that paragraphs run over page breaks, with a header and footer on every page (the
furniture), Roman-numbered parts, plain area headings, real footnotes (CSS `float: footnote`, so the marker is
set as a raised number and the note at the foot of the page), sub-paragraphs and a closing line."""

from weasyprint import HTML

STYLE = """
@page { size: A6; margin: 1.5cm 1.2cm;
        @top-right { content: "LIMITE"; } @bottom-left { content: "ST 9876/26"; } @bottom-right { content: counter(page); } }
body { font-family: serif; font-size: 11pt; }
h1 { font-size: 15pt; text-align: center; } h2 { font-size: 13pt; } h3 { font-size: 11pt; font-style: italic; }
.break { page-break-before: always; }
.fn { float: footnote; font-size: 7pt; }
::footnote-marker { content: counter(footnote) " "; }
::footnote-call { content: counter(footnote); vertical-align: super; font-size: 7pt; }
"""

BODY = """
<h1>Security and Defence Partnership between the European Union and the Republic of Freedonia</h1>
<h2>I. Context</h2>
<p>1. The European Union (EU) and the Republic of Freedonia (Freedonia) share an interest in a stable and secure
neighbourhood.<span class="fn">This Partnership is without prejudice to the Association Agreement between the EU
and Freedonia.</span> They will work together on the security challenges of their neighbourhood.</p>
<p>2. Freedonia has contributed to EU missions and operations since 2021, and its officers have served in the
headquarters of several of them, in the Mediterranean and beyond, alongside those of the Member States and of other
partners of the Union, to the benefit of the security of all.</p>
<h2 class="break">II. Areas of cooperation</h2>
<h3>Maritime security</h3>
<p>3. The EU and Freedonia will hold annual consultations on maritime security and will explore joint exercises.</p>
<h3>Cyber security</h3>
<p>4. The EU and Freedonia will cooperate on cyber security, in particular:</p>
<p>(a) on exchanges of information on threats, held six-monthly; and</p>
<p>(b) on capacity building in the region.<span class="fn">Including through the EU Cyber Diplomacy
Toolbox.</span></p>
<h2 class="break">III. Way forward</h2>
<p>5. Freedonia will consider participating in the courses of the European Security and Defence College.</p>
<p>6. The EU and Freedonia will review this Partnership regularly.</p>
<p>Done at Brussels on 3 March 2026.</p>
"""


def freedonia_pdf(body: str = BODY) -> bytes:
    return HTML(string=f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>{STYLE}</style></head>'
                       f"<body>{body}</body></html>").write_pdf()
