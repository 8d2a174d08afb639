from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_str_new_people_only_is_not_eligibility")]

    operations = [migrations.RemoveField(model_name="servicesettings", name="new_people_only")]
