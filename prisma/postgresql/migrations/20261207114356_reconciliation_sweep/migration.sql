-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "lastSweep" TEXT,
ADD COLUMN     "lastSweepAt" TIMESTAMP(3),
ADD COLUMN     "sweptUntil" TIMESTAMP(3);

