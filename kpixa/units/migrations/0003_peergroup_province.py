# A peer group may belong to one province (empty: a national group, changed by superusers only).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0002_person_province_tenure_check'),
    ]

    operations = [
        migrations.AddField(
            model_name='peergroup',
            name='province',
            field=models.ForeignKey(blank=True, help_text='Để trống: nhóm dùng chung toàn quốc.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='peer_groups', to='units.province', verbose_name='tỉnh'),
        ),
    ]
