-- AlterTable
ALTER TABLE "Document" ADD COLUMN "einvoicePath" TEXT;
ALTER TABLE "Document" ADD COLUMN "einvoiceSha256" TEXT;

