from django import forms
from django.utils import timezone

from articles.models import Article, ArticleStatus, Reference


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = (
            "title",
            "slug",
            "lede",
            "body",
            "author",
            "status",
            "published_at",
            "moderation_mode",
        )

    def clean(self):
        cleaned = super().clean()
        # Publishing without a date means "now".
        if cleaned.get("status") == ArticleStatus.PUBLISHED and not cleaned.get(
            "published_at"
        ):
            cleaned["published_at"] = timezone.now()
            self.instance.published_at = cleaned["published_at"]
        return cleaned


class ReferenceForm(forms.ModelForm):
    class Meta:
        model = Reference
        fields = (
            "position",
            "authors",
            "title",
            "journal",
            "year",
            "volume",
            "issue",
            "pages",
            "doi",
            "pmid",
        )

    def clean_doi(self):
        doi = self.cleaned_data["doi"].strip()
        for prefix in ("https://doi.org/", "http://doi.org/", "doi:"):
            if doi.lower().startswith(prefix):
                doi = doi[len(prefix) :]
        if doi and not doi.startswith("10."):
            raise forms.ValidationError("A DOI starts with 10., e.g. 10.1002/ana.22006")
        return doi

    def clean_pmid(self):
        pmid = self.cleaned_data["pmid"].strip()
        if pmid and not pmid.isdigit():
            raise forms.ValidationError("A PubMed ID is digits only.")
        return pmid
