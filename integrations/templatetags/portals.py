"""Template tags for portal data on other pages: `{% load portals %}{% home_construction h %}`."""

from django import template

from integrations.portals.selectors import home_construction_summary

register = template.Library()


@register.inclusion_tag("admin/portals/home_construction.html")
def home_construction(home):
    """Render the home's construction summary: project, open selections, change orders."""
    return {"construction": home_construction_summary(home)}
