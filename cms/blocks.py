"""StreamField blocks shared by the site's pages (standard pages, news, sessions, the forum page).

Images go through Wagtail's ``ImageBlock``, which requires alt text unless the editor ticks
"decorative". Templates live in ``templates/blocks/``; every image is rendered at a fixed size.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("heading"), max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Heading 2")), ("h3", _("Heading 3"))], default="h2", label=_("level")
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "blocks/heading.html"


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(required=False, max_length=300, label=_("caption"))

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(required=False, max_length=200, label=_("attribution"))

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "blocks/quote.html"


class LinkBlock(blocks.StructBlock):
    """A link to a page of the site or to an address elsewhere (the page wins if both are set)."""

    label = blocks.CharBlock(max_length=100, label=_("label"))
    page = blocks.PageChooserBlock(required=False, label=_("page"))
    url = blocks.URLBlock(required=False, label=_("address"))

    class Meta:
        icon = "link"
        label = _("Link")
        template = "blocks/link.html"

    def clean(self, value):

        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise StructBlockValidationError(
                block_errors={"url": ValidationError(_("Choose a page or enter an address."))}
            )
        return value


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200, label=_("title"))
    text = blocks.TextBlock(required=False, label=_("text"))
    link = LinkBlock(label=_("button"))

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "blocks/call_to_action.html"


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=300, label=_("question"))
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("answer"))


class FAQBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, max_length=200, label=_("title"))
    items = blocks.ListBlock(FAQItemBlock(), label=_("questions"))

    class Meta:
        icon = "help"
        label = _("FAQ")
        template = "blocks/faq.html"


class KeyFigureBlock(blocks.StructBlock):
    """A number that tells the forum at a glance ("1.700", "dịch vụ công trực tuyến mức 4")."""

    value = blocks.CharBlock(max_length=40, label=_("figure"))
    label = blocks.CharBlock(max_length=120, label=_("label"))

    class Meta:
        icon = "list-ol"
        label = _("Key figure")


def table_block() -> TableBlock:
    return TableBlock(
        label=_("Table"),
        template="blocks/table.html",
        table_options={"contextMenu": True, "startRows": 3, "startCols": 3},
    )


def paragraph_block() -> blocks.RichTextBlock:
    return blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, label=_("Paragraph"), template="blocks/paragraph.html"
    )


class ArticleStreamBlock(blocks.StreamBlock):
    """Full text of a talk or a news item: what the proceedings book prints."""

    heading = HeadingBlock()
    paragraph = paragraph_block()
    image = ImageWithCaptionBlock()
    quote = QuoteBlock()
    table = table_block()


class ContentStreamBlock(ArticleStreamBlock):
    """Standard pages (About, Venue & travel, FAQ, Privacy policy) and the forum page's body:
    the article blocks, a call to action and an FAQ."""

    call_to_action = CallToActionBlock()
    faq = FAQBlock()


class KeyFiguresStreamBlock(blocks.StreamBlock):
    figure = KeyFigureBlock()


class LinksStreamBlock(blocks.StreamBlock):
    link = LinkBlock()
