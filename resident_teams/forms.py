from django import forms

from .models import AttendanceWeek, Visit


class AttendanceForm(forms.ModelForm):
    """A team member's week: how many days and nights on station, and any approved leave."""

    week_start = forms.DateField(label="周（选择该周任一天）", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    class Meta:
        model = AttendanceWeek
        fields = ["week_start", "days_on_station", "nights_on_station", "leave_days", "leave_approved_by", "note"]
        widgets = {
            "days_on_station": forms.NumberInput(attrs={"min": 0, "max": 7}),
            "nights_on_station": forms.NumberInput(attrs={"min": 0, "max": 7}),
            "leave_days": forms.NumberInput(attrs={"min": 0, "max": 7}),
        }


class VisitForm(forms.ModelForm):
    """A visit to a household of the member's station (the choices are set by the view)."""

    class Meta:
        model = Visit
        fields = ["household", "visited_on", "content"]
        widgets = {
            "visited_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "content": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, households=None, **kwargs):
        super().__init__(*args, **kwargs)
        if households is not None:
            self.fields["household"].queryset = households
        self.fields["household"].empty_label = "请选择农户"
        self.fields["household"].label_from_instance = lambda h: f"{h.head_name}（{h.code}）"


def bootstrap(form: forms.Form) -> forms.Form:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", f"{css} form-control-sm" if css == "form-control" else css)
    return form
