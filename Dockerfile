FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY ios_platform ios_platform
COPY creditors creditors
COPY debtors debtors
COPY bailiffs bailiffs
COPY fees fees
COPY claims claims
RUN pip install --no-cache-dir .
COPY . .
RUN DJANGO_ENV=development python manage.py collectstatic --noinput
