"""Small forms of the screening pages; the rules live in services.py."""

import datetime
import random

from django import forms

from monitoring.models import MonitoringCategory, RiskType
from villages.models import County

INPUT = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}


class DismissForm(forms.Form):
    reason = forms.CharField(label="排除理由", max_length=1000,
                             widget=forms.Textarea(attrs={**INPUT, "rows": 2, "placeholder": "入户核实情况"}))


class IdentifyForm(forms.Form):
    category = forms.ChoiceField(label="监测对象类别", choices=MonitoringCategory.choices,
                                 widget=forms.Select(attrs=SELECT))
    risk_types = forms.ModelMultipleChoiceField(label="风险类型（最多 5 项）", queryset=RiskType.objects.all(),
                                                widget=forms.CheckboxSelectMultiple)
    identified_month = forms.DateField(label="识别年月", input_formats=["%Y-%m"],
                                       widget=forms.DateInput(attrs={**INPUT, "type": "month"}, format="%Y-%m"))
    situation = forms.CharField(label="致贫返贫风险情况", required=False,
                                widget=forms.Textarea(attrs={**INPUT, "rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identified_month"].initial = datetime.date.today().replace(day=1)


class RoundForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100, widget=forms.TextInput(attrs=INPUT))
    year = forms.IntegerField(label="年度", min_value=2020, max_value=2100, widget=forms.NumberInput(attrs=INPUT))
    counties = forms.ModelMultipleChoiceField(label="抽查区县", queryset=County.objects.order_by("code"),
                                              widget=forms.CheckboxSelectMultiple)
    sample_size = forms.IntegerField(label="每县抽样户数", min_value=1, initial=330, widget=forms.NumberInput(attrs=INPUT))
    villages_per_county = forms.IntegerField(label="每县抽取行政村数", min_value=1, initial=10,
                                             widget=forms.NumberInput(attrs=INPUT))
    share_poverty = forms.DecimalField(label="脱贫户占比（%）", min_value=0, max_value=100, initial=50,
                                       widget=forms.NumberInput(attrs=INPUT))
    share_monitored = forms.DecimalField(label="监测户占比（%）", min_value=0, max_value=100, initial=30,
                                         widget=forms.NumberInput(attrs=INPUT))
    share_general = forms.DecimalField(label="一般农户占比（%）", min_value=0, max_value=100, initial=20,
                                       widget=forms.NumberInput(attrs=INPUT))
    seed = forms.IntegerField(label="随机种子", min_value=0, widget=forms.NumberInput(attrs=INPUT),
                              help_text="相同种子抽出相同样本")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = datetime.date.today().year
        self.fields["seed"].initial = random.SystemRandom().randint(1, 999999)


class AnswersUploadForm(forms.Form):
    file = forms.FileField(label="填好的入户调查表（.xlsx）",
                           widget=forms.ClearableFileInput(attrs={**INPUT, "accept": ".xlsx"}))
