-- AlterTable
ALTER TABLE "Document" ADD COLUMN     "einvoicePath" TEXT,
ADD COLUMN     "einvoiceSha256" TEXT;

